using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>
/// Traefik's stripPrefixRegex: the first regex whose (non-empty) match is a prefix of the path has that
/// match removed; X-Forwarded-Prefix carries it.
/// </summary>
public sealed class StripPrefixRegexMiddleware(Regex[] expressions) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        foreach (var regex in expressions)
        {
            var match = regex.Match(path);
            if (match.Success && match.Length > 0 && match.Index == 0)
            {
                context.Request.Headers.Append(PathHelpers.ForwardedPrefixHeader, match.Value);
                context.Request.Path = new PathString(PathHelpers.EnsureLeadingSlash(path[match.Length..]));
                break;
            }
        }

        return next(context);
    }
}

public sealed class StripPrefixRegexFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(StripPrefixRegexConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new StripPrefixRegexMiddleware(((StripPrefixRegexConfig)config).Regex.Select(r => r.Regex).ToArray());
}
