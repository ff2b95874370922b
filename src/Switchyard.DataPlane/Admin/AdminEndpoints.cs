using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.DataPlane.Metrics;

namespace Switchyard.DataPlane.Admin;

/// <summary>The admin entry point's HTTP endpoints (Kubernetes httpGet probes, Traefik's /ping, Prometheus /metrics).</summary>
/// <remarks>
/// Plain <see cref="RequestDelegate"/>s rather than minimal-API lambdas: those are compiled by RequestDelegateFactory
/// (expression trees: System.Linq.Expressions loaded and interpreted) before the first request, which cost start-up
/// time and idle memory for four fixed answers.
/// </remarks>
public static class AdminEndpoints
{
    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>The endpoints on endpoint routing (<see cref="Handler"/> answers their common requests without it).</summary>
    /// <param name="metrics">Served at GET /metrics when given; otherwise /metrics is a 404.</param>
    public static void Map(IEndpointRouteBuilder endpoints, GatewayHealth health, GatewayMetrics? metrics = null)
    {
        if (metrics is not null)
        {
            endpoints.MapGet("/metrics", context => MetricsText(context, metrics));
        }

        endpoints.MapGet("/healthz", context => Healthz(context));
        endpoints.MapGet("/ping", context => Ping(context));
        endpoints.MapGet("/readyz", context => Readyz(context, health));
        endpoints.MapGrpcService<Grpc.HealthCheck.HealthServiceImpl>();
    }

    /// <summary>
    /// The admin entry point's request handler. A GET of a probe path (what Kubernetes' httpGet probes and Prometheus
    /// send) is answered here; anything else — grpc.health.v1, other methods, other spellings of the paths — goes
    /// through endpoint routing with <see cref="Map"/>'s endpoints, as before, built at the first such request.
    /// </summary>
    /// <remarks>
    /// Endpoint routing and the gRPC service's binding (the DFA matcher, gRPC's method model and call handlers,
    /// Google.Protobuf's descriptors) were built at the first probe and held ~2 MB of a 1-route gateway's idle RSS
    /// for four fixed answers (docs/performance-log.md, 2026-12-07 15:50, issue 21 item 2). Requires AddRouting and
    /// AddGrpc in <paramref name="services"/>.
    /// </remarks>
    public static RequestDelegate Handler(IServiceProvider services, GatewayHealth health, GatewayMetrics? metrics = null)
    {
        var routed = new Lazy<RequestDelegate>(() =>
        {
            var app = new ApplicationBuilder(services);
            app.UseRouting();
            app.UseEndpoints(endpoints => Map(endpoints, health, metrics));
            return app.Build();
        });
        return context =>
        {
            if (HttpMethods.IsGet(context.Request.Method))
            {
                switch (context.Request.Path.Value)
                {
                    case "/readyz":
                        return Readyz(context, health);
                    case "/healthz":
                        return Healthz(context);
                    case "/ping":
                        return Ping(context);
                    case "/metrics" when metrics is not null:
                        return MetricsText(context, metrics);
                }
            }

            return routed.Value(context);
        };
    }

    // Each answer once, for the fast path in Handler and the routed endpoints of Map alike.
    private static Task Healthz(HttpContext context) => Write(context, StatusCodes.Status200OK, TextPlain, "ok\n");

    private static Task Ping(HttpContext context) => Write(context, StatusCodes.Status200OK, TextPlain, "OK");

    private static Task MetricsText(HttpContext context, GatewayMetrics metrics) =>
        Write(context, StatusCodes.Status200OK, PrometheusExposition.ContentType, PrometheusExposition.Write(metrics));

    private static Task Readyz(HttpContext context, GatewayHealth health) => health.IsReady
        ? Write(context, StatusCodes.Status200OK, TextPlain, "ready\n")
        : Write(context, StatusCodes.Status503ServiceUnavailable, TextPlain, "not ready: waiting for listeners and the first table\n");

    private static Task Write(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(body);
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
