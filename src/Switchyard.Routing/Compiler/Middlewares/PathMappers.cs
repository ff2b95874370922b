using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The path and redirect family: addPrefix, stripPrefix(Regex), replacePath(Regex), redirectRegex, redirectScheme.</summary>
internal static class PathMappers
{
    public static AddPrefixConfig AddPrefix(MiddlewareMapping m, AddPrefix s) => new(m.Required(s.Prefix, m.Field + ".prefix"));

    /// <summary>
    /// Traefik v3 (pkg/middlewares/stripprefix New): forceSlash is deprecated, off unless set to true, and a set value
    /// is logged as deprecated. Both settings strip to the same path here (the remainder always gets a leading '/').
    /// </summary>
    public static StripPrefixConfig StripPrefix(MiddlewareMapping m, StripPrefix s)
    {
        if (s.ForceSlash is not null)
        {
            m.Warning(DiagnosticCodes.MiddlewareInvalidValue, "DeprecatedField", m.Field + ".forceSlash",
                "forceSlash is deprecated in Traefik v3 and changes nothing; remove it");
        }

        return new([.. s.Prefixes ?? []], s.ForceSlash ?? false);
    }

    public static StripPrefixRegexConfig StripPrefixRegex(MiddlewareMapping m, StripPrefixRegex s) => new(m.Regexes(s.Regex, m.Field + ".regex"));

    public static ReplacePathConfig ReplacePath(MiddlewareMapping m, ReplacePath s) => new(m.Required(s.Path, m.Field + ".path"));

    public static ReplacePathRegexConfig ReplacePathRegex(MiddlewareMapping m, ReplacePathRegex s) =>
        new(m.Regex(s.Regex, m.Field + ".regex"), s.Replacement ?? "");

    public static RedirectRegexConfig RedirectRegex(MiddlewareMapping m, RedirectRegex s) =>
        new(m.Regex(s.Regex, m.Field + ".regex"), m.Required(s.Replacement, m.Field + ".replacement"), s.Permanent ?? false);

    public static RedirectSchemeConfig RedirectScheme(MiddlewareMapping m, RedirectScheme s) =>
        new(string.IsNullOrEmpty(s.Scheme) ? "https" : s.Scheme, MiddlewareMapping.NullIfEmpty(s.Port), s.Permanent ?? false);
}
