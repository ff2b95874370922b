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

    /// <param name="metrics">Served at GET /metrics when given; otherwise /metrics is a 404.</param>
    public static void Map(IEndpointRouteBuilder endpoints, GatewayHealth health, GatewayMetrics? metrics = null)
    {
        if (metrics is not null)
        {
            endpoints.MapGet("/metrics", context => Write(context, StatusCodes.Status200OK, PrometheusExposition.ContentType, PrometheusExposition.Write(metrics)));
        }

        endpoints.MapGet("/healthz", context => Write(context, StatusCodes.Status200OK, TextPlain, "ok\n"));
        endpoints.MapGet("/ping", context => Write(context, StatusCodes.Status200OK, TextPlain, "OK"));
        endpoints.MapGet("/readyz", context => health.IsReady
            ? Write(context, StatusCodes.Status200OK, TextPlain, "ready\n")
            : Write(context, StatusCodes.Status503ServiceUnavailable, TextPlain, "not ready: waiting for listeners and the first table\n"));
        endpoints.MapGrpcService<Grpc.HealthCheck.HealthServiceImpl>();
    }

    private static Task Write(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(body);
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
