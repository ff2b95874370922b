using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PathRewrite;

/// <summary>Traefik's replacePath: the backend sees the configured path; X-Replaced-Path keeps the original.</summary>
public sealed class ReplacePathMiddleware(string path) : IRouteMiddleware
{
    private readonly PathString _path = new(path);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Headers[PathHelpers.ReplacedPathHeader] = context.Request.Path.Value ?? string.Empty;
        context.Request.Path = _path;
        return next(context);
    }
}

public sealed class ReplacePathFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(ReplacePathConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new ReplacePathMiddleware(PathHelpers.EnsureLeadingSlash(((ReplacePathConfig)config).Path));
}
