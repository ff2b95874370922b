using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// A service node with middlewares of its own (Traefik v3.7 service middlewares, pkg/server/service/service.go
/// BuildHTTP: the chain wraps the service's handler). The parent's pick (weighted, hrw, mirroring, failover, the
/// route) sends a call here; the middlewares run on it, after the router's, then the node itself does. Health is the
/// node's (Traefik's statusUpdaterHandler keeps a wrapped balancer reporting to its parents).
/// The chain is composed once the table's other handlers exist (a middleware may use one, e.g. errors' page
/// service); until then, or when it cannot be built, the node answers an explicit error, never without them.
/// </summary>
public sealed class ServiceMiddlewareHandler(string id, ImmutableArray<string> middlewares, IServiceHandler inner) : IServiceHandler
{
    private RequestDelegate _chain = context => ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, "service unavailable");
    private RequestDelegate? _detailed;

    public string Id { get; } = id;

    /// <summary>The middleware ids, in the order they run.</summary>
    public ImmutableArray<string> Middlewares { get; } = middlewares;

    /// <summary>The node the middlewares lead to (its balancer, for health views).</summary>
    public IServiceHandler Inner { get; } = inner;

    public bool IsAvailable => Inner.IsAvailable;

    /// <summary>Sets the composed chain; <paramref name="detailed"/> (with middleware spans) serves calls of detailed-traced routers.</summary>
    internal void Attach(RequestDelegate chain, RequestDelegate? detailed)
    {
        _detailed = detailed;
        _chain = chain;
    }

    public Task HandleAsync(HttpContext context) =>
        _detailed is not null && context.Features.Get<DetailedTracingMark>() is not null ? _detailed(context) : _chain(context);
}

/// <summary>Set on a call by a detailed-traced router: shared service nodes then record their middleware spans too.</summary>
public sealed class DetailedTracingMark
{
    public static readonly DetailedTracingMark Instance = new();

    private DetailedTracingMark()
    {
    }
}
