using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Api;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// Which routers are traced and, for traceVerbosity detailed, the span wrappers composed into the router's delegate
/// at table build (Traefik's pkg/server/middleware/observability.go shouldTrace, pkg/middlewares/observability
/// router.go, middleware.go, service.go). A router that is not detailed gets no wrapper, and a call that is not
/// recorded passes each wrapper with one check (no span, no async state machine).
/// </summary>
internal static class TracedRoute
{
    /// <summary>observability.tracing (default true); internal routers (api@internal) only with tracing.addInternals.</summary>
    public static bool IsTraced(GatewayTracing? tracing, Router router) =>
        tracing is not null && router.Observability?.Tracing != false
        && (tracing.Options.AddInternals || router.Service != ApiHandler.ServiceName);

    /// <summary>traceVerbosity: detailed adds the Router, middleware and Service spans; anything else is minimal.</summary>
    public static GatewayTracing? Detailed(GatewayTracing? tracing, Router router) =>
        IsTraced(tracing, router) && router.Observability?.TraceVerbosity == "detailed" ? tracing : null;

    /// <summary>The Router span: traefik.router.name, traefik.service.name and http.route (the rule).</summary>
    public static RequestDelegate Router(GatewayTracing tracing, Router router, RequestDelegate next)
    {
        return context => tracing.IsRecording ? Traced(context) : next(context);

        async Task Traced(HttpContext context)
        {
            using var span = tracing.StartInternal("Router");
            // Shared service nodes compose their middleware spans only for calls of detailed routers (ServiceMiddlewareHandler).
            context.Features.Set(Services.DetailedTracingMark.Instance);
            if (span is { IsAllDataRequested: true })
            {
                span.AddTag("traefik.service.name", router.Service);
                span.AddTag("traefik.router.name", router.Name);
                span.AddTag("http.route", router.Rule);
            }

            await next(context);
        }
    }

    /// <summary>A middleware's span, named after its type as Traefik names it, with traefik.middleware.name.</summary>
    public static RequestDelegate Middleware(GatewayTracing tracing, string name, MiddlewareConfig? config, IRouteMiddleware middleware, RequestDelegate next)
    {
        var typeName = TypeName(config);
        return context => tracing.IsRecording ? Traced(context) : middleware.InvokeAsync(context, next);

        async Task Traced(HttpContext context)
        {
            using var span = tracing.StartInternal(typeName);
            span?.AddTag("traefik.middleware.name", name);
            await middleware.InvokeAsync(context, next);
        }
    }

    /// <summary>The Service span with traefik.service.name (the router's service).</summary>
    public static RequestDelegate Service(GatewayTracing tracing, string service, RequestDelegate next)
    {
        return context => tracing.IsRecording ? Traced(context) : next(context);

        async Task Traced(HttpContext context)
        {
            using var span = tracing.StartInternal("Service");
            span?.AddTag("traefik.service.name", service);
            await next(context);
        }
    }

    /// <summary>Traefik's typeName of each middleware (the constants of pkg/middlewares/*); others: the config name.</summary>
    internal static string TypeName(MiddlewareConfig? config)
    {
        var name = config?.GetType().Name ?? "Middleware";
        name = name.EndsWith("Config", StringComparison.Ordinal) ? name[..^"Config".Length] : name;
        return name switch
        {
            "Buffering" => "Buffer",
            "Errors" => "CustomError",
            "IpAllowList" => "IPAllowLister",
            "PassTlsClientCert" => "PassClientTLSCert",
            "RateLimit" => "RateLimiter",
            "RedirectRegex" or "RedirectScheme" => "Redirect",
            "DigestAuth" => "digestAuth",
            "GrpcWeb" => "GRPCWeb",
            _ => name,
        };
    }
}
