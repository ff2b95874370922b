using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>Where and how a check talks to a server: the server's host and port with the check's scheme and port overrides.</summary>
/// <param name="BaseAddress">http:// or https:// with host and (possibly overridden) port.</param>
/// <param name="Http2Only">Cleartext HTTP/2 with prior knowledge (scheme h2c, or gRPC mode over cleartext).</param>
public sealed record HealthCheckTarget(Uri BaseAddress, bool Tls, bool Http2Only)
{
    public static HealthCheckTarget For(BackendServer server, HealthCheckConfig config)
    {
        var scheme = string.IsNullOrEmpty(config.Scheme) ? BackendServers.SchemeName(server.Scheme) : config.Scheme.ToLowerInvariant();
        var tls = scheme == "https";
        var grpc = IsGrpc(config);

        // gRPC needs HTTP/2: over cleartext that is prior knowledge whatever the server scheme says.
        var http2Only = scheme == "h2c" || (grpc && !tls);
        var port = config.Port is > 0 ? config.Port.Value : server.Port;
        var builder = new UriBuilder(tls ? "https" : "http", server.Host, port);
        return new HealthCheckTarget(builder.Uri, tls, http2Only);
    }

    public static bool IsGrpc(HealthCheckConfig config) => string.Equals(config.Mode, "grpc", StringComparison.OrdinalIgnoreCase);
}
