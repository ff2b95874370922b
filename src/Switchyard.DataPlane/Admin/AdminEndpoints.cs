using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchyard.DataPlane.Admin;

/// <summary>The admin entry point's HTTP endpoints (Kubernetes httpGet probes and Traefik's /ping).</summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, GatewayHealth health)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/ping", () => Results.Text("OK"));
        endpoints.MapGet("/readyz", () => health.IsReady
            ? Results.Text("ready\n")
            : Results.Text("not ready: waiting for listeners and the first table\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGrpcService<Grpc.HealthCheck.HealthServiceImpl>();
    }
}
