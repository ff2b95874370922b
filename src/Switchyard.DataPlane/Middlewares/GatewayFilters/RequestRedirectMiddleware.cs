using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.GatewayFilters;

/// <summary>
/// Gateway API RequestRedirect: answers with the configured status and a Location made of the request's URL with the
/// scheme, hostname, port and path the filter replaces. A port equal to the scheme's well-known port (80/443) is not
/// written, as the spec requires.
/// </summary>
public sealed class RequestRedirectMiddleware(RequestRedirectConfig config) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var scheme = config.Scheme ?? request.Scheme;
        var host = config.Hostname ?? request.Host.Host;
        var port = config.Port;
        var path = GatewayPaths.Rewrite(request.Path.Value ?? "/", config.Path, config.PathPrefix);
        var authority = port is { } p && !IsWellKnown(scheme, p) ? host + ":" + p.ToString(CultureInfo.InvariantCulture) : host;
        context.Response.StatusCode = config.StatusCode;
        context.Response.Headers.Location = string.Concat(scheme, "://", authority, path, request.QueryString.Value);
        return Task.CompletedTask;
    }

    private static bool IsWellKnown(string scheme, int port) =>
        (port == 80 && scheme.Equals("http", StringComparison.OrdinalIgnoreCase)) || (port == 443 && scheme.Equals("https", StringComparison.OrdinalIgnoreCase));
}

public sealed class RequestRedirectFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RequestRedirectConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new RequestRedirectMiddleware((RequestRedirectConfig)config);
}

/// <summary>Gateway API URLRewrite: the Host and/or the path the backend sees.</summary>
public sealed class UrlRewriteMiddleware(UrlRewriteConfig config) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (config.Hostname is { } host)
        {
            context.Request.Host = new HostString(host);
        }

        if (config.Path is not null)
        {
            context.Request.Path = new PathString(GatewayPaths.Rewrite(context.Request.Path.Value ?? "/", config.Path, config.PathPrefix));
        }

        return next(context);
    }
}

public sealed class UrlRewriteFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(UrlRewriteConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new UrlRewriteMiddleware((UrlRewriteConfig)config);
}

/// <summary>The spec's path modifiers: ReplaceFullPath, or ReplacePrefixMatch of the matched prefix (by path element).</summary>
internal static class GatewayPaths
{
    public static string Rewrite(string path, string? replacement, string? prefix)
    {
        if (replacement is null)
        {
            return path;
        }

        if (prefix is null)
        {
            return replacement;
        }

        var trimmed = prefix.TrimEnd('/');
        var rest = path.Length >= trimmed.Length ? path[trimmed.Length..] : "";
        if (replacement.EndsWith('/') && rest.StartsWith('/'))
        {
            rest = rest[1..];
        }

        var result = replacement + rest;
        return result.Length == 0 ? "/" : result[0] == '/' ? result : "/" + result;
    }
}
