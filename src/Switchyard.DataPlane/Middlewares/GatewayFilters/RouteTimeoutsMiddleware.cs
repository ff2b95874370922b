using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.GatewayFilters;

/// <summary>
/// HTTPRoute <c>rules[].timeouts</c>: stamps the call with its deadline (<c>request</c>, counted from here, the start of
/// the route's middlewares) and its per-attempt bound (<c>backendRequest</c>) for the forwarder, which enforces both
/// (504, gRPC DEADLINE_EXCEEDED; a response already started is cut). Only rules with a timeout get this middleware, so
/// every other call — GRPCRoutes and streams above all — runs without a deadline, as before.
/// </summary>
public sealed class RouteTimeoutsMiddleware(RouteTimeoutsConfig config) : IRouteMiddleware
{
    private readonly long _requestMs = (long)Math.Ceiling(config.Request.TotalMilliseconds);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var deadline = _requestMs > 0 ? Environment.TickCount64 + _requestMs : 0;
        context.Features.Set(new RouteTimeouts(deadline, config.BackendRequest));
        return next(context);
    }
}

public sealed class RouteTimeoutsFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RouteTimeoutsConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new RouteTimeoutsMiddleware((RouteTimeoutsConfig)config);
}
