using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Middlewares.PathRewrite;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Redirect;

/// <summary>Traefik's redirectRegex: matched against the full request URL; a match redirects to the replacement ($1 groups).</summary>
public sealed class RedirectRegexMiddleware(Regex regex, string replacement, bool permanent) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var url = Redirects.RequestUrl(context.Request);
        if (!regex.IsMatch(url))
        {
            return next(context);
        }

        // Go's ReplaceAllString on the whole URL; an unchanged URL is not redirected (no loop).
        var location = regex.Replace(url, replacement);
        return location == url ? next(context) : Redirects.AnswerAsync(context, location, permanent);
    }
}

public sealed class RedirectRegexFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RedirectRegexConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (RedirectRegexConfig)config;
        return new RedirectRegexMiddleware(c.Regex.Regex, c.Replacement, c.Permanent);
    }
}
