using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>
/// Traefik's stripPrefix: the first listed prefix the path starts with (plain string prefix) is removed, the
/// result keeps a leading '/', and X-Forwarded-Prefix carries what was removed. No match ⇒ unchanged.
/// </summary>
public sealed class StripPrefixMiddleware(string[] prefixes) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        foreach (var prefix in prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                context.Request.Path = new PathString(PathHelpers.EnsureLeadingSlash(path[prefix.Length..]));
                context.Request.Headers.Append(PathHelpers.ForwardedPrefixHeader, prefix);
                break;
            }
        }

        return next(context);
    }
}

public sealed class StripPrefixFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(StripPrefixConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new StripPrefixMiddleware(((StripPrefixConfig)config).Prefixes.Select(p => p.Trim()).Where(p => p.Length > 0).ToArray());
}
