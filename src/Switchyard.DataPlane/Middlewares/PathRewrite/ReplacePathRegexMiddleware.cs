using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>
/// Traefik's replacePathRegex: when the regex matches, every match is replaced (Go's ReplaceAllString;
/// <c>$1</c> / <c>${name}</c> work the same in .NET); X-Replaced-Path keeps the original path.
/// </summary>
public sealed class ReplacePathRegexMiddleware(Regex regex, string replacement) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (regex.IsMatch(path))
        {
            context.Request.Headers[PathHelpers.ReplacedPathHeader] = path;
            context.Request.Path = new PathString(PathHelpers.EnsureLeadingSlash(regex.Replace(path, replacement)));
        }

        return next(context);
    }
}

public sealed class ReplacePathRegexFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(ReplacePathRegexConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (ReplacePathRegexConfig)config;
        return new ReplacePathRegexMiddleware(c.Regex.Regex, c.Replacement);
    }
}
