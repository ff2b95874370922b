using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Pipeline;
using Switchyard.DataPlane.Services;
using Switchyard.DataPlane.Tracing;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Swap;

/// <summary>
/// Builds a <see cref="CompiledTable"/> off the request path: service handlers (ServiceTreeBuilder), middlewares
/// (MiddlewareRegistry), one composed delegate per router, one router index per entry point, TLS selection.
/// A router whose middleware or service cannot be built answers an explicit error and yields a diagnostic —
/// never a silent pass-through.
/// </summary>
public sealed class TableBuilder(
    IReadOnlyList<string> entryPoints,
    IHttpForwarder httpForwarder,
    SwapState state,
    IServiceProvider services,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _forwardLogger = loggerFactory.CreateLogger("Switchyard.Forwarding");
    private readonly ILogger _tlsLogger = loggerFactory.CreateLogger("Switchyard.Tls");

    public IReadOnlyList<string> EntryPoints { get; } = entryPoints;

    public CompiledTable Build(RoutingTable table, Lazy<string> fingerprint)
    {
        var generation = state.BeginGeneration();
        try
        {
            return BuildCore(table, fingerprint, generation);
        }
        catch
        {
            generation.Release();
            throw;
        }
    }

    private CompiledTable BuildCore(RoutingTable table, Lazy<string> fingerprint, SwapGeneration generation)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var forwarder = new YarpBackendForwarder(httpForwarder, table, generation, _forwardLogger)
        {
            Tracing = services.GetService(typeof(GatewayTracing)) as GatewayTracing,
            Http2Upstream = Http2UpstreamSwitch.Resolve((services.GetService(typeof(Http2UpstreamSwitch)) as Http2UpstreamSwitch)?.Configured ?? Http2UpstreamSwitch.Default),
        };
        var serviceHandlers = ServiceTreeBuilder.Build(table, forwarder, generation, services);
        var middlewareContext = new MiddlewareBuildContext(services, generation, table) { ServiceHandlers = serviceHandlers };
        var middlewares = new MiddlewareInstances(table, middlewareContext);

        // Metric series are resolved here, once per router, so the request path only indexes them.
        var metrics = services.GetService(typeof(GatewayMetrics)) as GatewayMetrics;
        var tracing = services.GetService(typeof(GatewayTracing)) as GatewayTracing;
        // Service nodes' own middlewares (Traefik v3.7), once every handler exists (errors pages use them).
        MiddlewareChain.AttachToServices(table, serviceHandlers, middlewares, tracing, diagnostics);
        var accessLog = services.GetService(typeof(AccessLogWriter)) as AccessLogWriter;
        var handlers = new Dictionary<Router, CompiledRoute>(ReferenceEqualityComparer.Instance);
        foreach (var router in table.Routers)
        {
            handlers[router] = new CompiledRoute(
                router,
                ComposeRouter(router, serviceHandlers, middlewares, diagnostics, TracedRoute.Detailed(tracing, router)),
                metrics?.ForRouter(router))
            {
                Traced = TracedRoute.IsTraced(tracing, router),
                AccessLogs = AccessLogWriter.Logs(accessLog, router),
            };
        }

        var routes = new EntryPointRoutes[EntryPoints.Count];
        for (var i = 0; i < routes.Length; i++)
        {
            var name = EntryPoints[i];
            var cleartext = new List<Router>();
            var tls = new List<Router>();
            foreach (var router in table.Routers)
            {
                if (router.EntryPoints.Contains(name))
                {
                    (router.Tls is null ? cleartext : tls).Add(router);
                }
            }

            // The index answers the compiled route itself: a request does no lookup after matching.
            routes[i] = new EntryPointRoutes(
                RouterIndex<CompiledRoute>.Build(cleartext, r => handlers[r]), RouterIndex<CompiledRoute>.Build(tls, r => handlers[r]));
        }

        var compiledTls = CompiledTls.Build(table, generation, _tlsLogger);
        return new CompiledTable(table, generation, routes, compiledTls, diagnostics.ToImmutable(), fingerprint) { Services = serviceHandlers };
    }

    private static RequestDelegate ComposeRouter(
        Router router,
        IReadOnlyDictionary<string, IServiceHandler> serviceHandlers,
        MiddlewareInstances middlewares,
        ImmutableArray<Diagnostic>.Builder diagnostics,
        GatewayTracing? detailed)
    {
        if (!serviceHandlers.TryGetValue(router.Service, out var service))
        {
            var message = $"router {router.Name}: service '{router.Service}' cannot be served by the data plane";
            diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.DataPlaneServiceUnavailable, "ServiceUnavailable",
                router.Source, $"spec.routes[{router.RouteIndex}].services", message));
            return ErrorAnswer(ProxyErrorKind.Unavailable, RouteUnavailable);
        }

        var built = new IRouteMiddleware[router.Middlewares.Length];
        var configs = new MiddlewareConfig?[built.Length];
        for (var i = 0; i < built.Length; i++)
        {
            var (middleware, config, error) = middlewares.Get(router.Middlewares[i], router.Name);
            configs[i] = config;
            if (config is UnsupportedMiddlewareConfig unsupported)
            {
                // The compiler reported it on the route and the Middleware (SY111/SY303): answer, don't report twice.
                return ErrorAnswer(ProxyErrorKind.Unavailable, $"middleware type {unsupported.TypeName} is not supported");
            }

            if (middleware is null)
            {
                var message = $"router {router.Name} is disabled: {error}";
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.DataPlaneMiddlewareUnavailable, "MiddlewareUnavailable",
                    router.Source, $"spec.routes[{router.RouteIndex}].middlewares[{i}]", message));
                return ErrorAnswer(ProxyErrorKind.Unavailable, RouteUnavailable);
            }

            built[i] = middleware;
        }

        RequestDelegate next = service.HandleAsync;
        if (detailed is not null)
        {
            next = TracedRoute.Service(detailed, router.Service, next);
        }

        next = MiddlewareChain.Compose(built, router.Middlewares, configs, next, detailed);
        return detailed is null ? next : TracedRoute.Router(detailed, router, next);
    }

    // What a caller of a route the data plane refused gets: no internal text (the reason is in status, Events, log).
    private const string RouteUnavailable = "route unavailable";

    private static RequestDelegate ErrorAnswer(ProxyErrorKind kind, string message) =>
        ctx => ProxyErrors.WriteAsync(ctx, kind, message);
}
