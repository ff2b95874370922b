using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Redirect;

/// <summary>
/// Traefik's redirectScheme: requests not already on the target scheme are redirected to it, on the given
/// port (none for https:443 / http:80, as Traefik drops default ports). The X-Forwarded-Proto of a trusted
/// front proxy is not consulted: the entry point's own scheme decides.
/// </summary>
public sealed class RedirectSchemeMiddleware(string scheme, string? port, bool permanent) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (string.Equals(request.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var host = request.Host.Host;
        var defaultPort = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
        var authority = string.IsNullOrEmpty(port) || defaultPort ? host : host + ":" + port;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            authority = string.IsNullOrEmpty(port) || defaultPort ? "[" + host + "]" : "[" + host + "]:" + port;
        }

        var location = string.Concat(scheme, "://", authority, request.PathBase.Value, request.Path.Value, request.QueryString.Value);
        return Redirects.AnswerAsync(context, location, permanent);
    }
}

public sealed class RedirectSchemeFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RedirectSchemeConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (RedirectSchemeConfig)config;
        if (string.IsNullOrEmpty(c.Scheme))
        {
            throw new ArgumentException("redirectScheme: scheme is required");
        }

        return new RedirectSchemeMiddleware(c.Scheme.ToLowerInvariant(), string.IsNullOrEmpty(c.Port) ? null : c.Port, c.Permanent);
    }
}
