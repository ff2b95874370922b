using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>Traefik's addPrefix: the backend sees <c>prefix + path</c> (a missing leading '/' is added, as Traefik does).</summary>
public sealed class AddPrefixMiddleware(string prefix) : IRouteMiddleware
{
    private readonly PathString _prefix = new(PathHelpers.EnsureLeadingSlash(prefix).TrimEnd('/'));

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Path = _prefix.Add(context.Request.Path);
        return next(context);
    }
}

public sealed class AddPrefixFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(AddPrefixConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (AddPrefixConfig)config;
        if (string.IsNullOrEmpty(c.Prefix))
        {
            throw new ArgumentException("addPrefix: prefix is required");
        }

        return new AddPrefixMiddleware(c.Prefix);
    }
}
