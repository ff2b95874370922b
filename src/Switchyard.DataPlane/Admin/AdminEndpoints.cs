using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchyard.DataPlane.Admin;

/// <summary>The admin entry point's HTTP endpoints (Kubernetes httpGet probes, Traefik's /ping, Prometheus /metrics).</summary>
public static class AdminEndpoints
{
    /// <param name="metrics">Served at GET /metrics when given; otherwise /metrics is a 404.</param>
    public static void Map(IEndpointRouteBuilder endpoints, GatewayHealth health, Switchyard.DataPlane.Metrics.GatewayMetrics? metrics = null)
    {
        if (metrics is not null)
        {
            endpoints.MapGet("/metrics", () => Results.Text(
                Switchyard.DataPlane.Metrics.PrometheusExposition.Write(metrics), Switchyard.DataPlane.Metrics.PrometheusExposition.ContentType));
        }

        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/ping", () => Results.Text("OK"));
        endpoints.MapGet("/readyz", () => health.IsReady
            ? Results.Text("ready\n")
            : Results.Text("not ready: waiting for listeners and the first table\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGrpcService<Grpc.HealthCheck.HealthServiceImpl>();
    }
}
