namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>Shared by the path middlewares: Traefik's header names and its leading-slash rule.</summary>
internal static class PathHelpers
{
    /// <summary>Set by stripPrefix / stripPrefixRegex: what was removed.</summary>
    public const string ForwardedPrefixHeader = "X-Forwarded-Prefix";

    /// <summary>Set by replacePath / replacePathRegex: the path before the rewrite.</summary>
    public const string ReplacedPathHeader = "X-Replaced-Path";

    public static string EnsureLeadingSlash(string path) => path.Length == 0 ? "/" : path[0] == '/' ? path : "/" + path;
}
