using System.Net;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// One entry point of the static config (Traefik's entryPoints). Defaults are chosen so that no timeout cuts a
/// long gRPC stream: body data rates are off, idle and header timeouts only apply while no stream is open or
/// while headers are being read.
/// </summary>
public sealed record EntryPointOptions
{
    public required string Name { get; init; }

    /// <summary>Where to listen (port 0 picks a free port; tests read the bound one from the host).</summary>
    public required IPEndPoint Endpoint { get; init; }

    /// <summary>Serve TLS (ALPN h2 + http/1.1, SNI certificates and TLSOptions from the table).</summary>
    public bool Tls { get; init; }

    /// <summary>The gateway's own endpoints (/healthz, /readyz, /ping, grpc.health.v1) instead of routes.</summary>
    public bool Admin { get; init; }

    /// <summary>Close a connection with no open request or stream after this long (Kestrel KeepAliveTimeout).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Time allowed to receive request headers (never applies to bodies or streams).</summary>
    public TimeSpan ReadHeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per client connection.</summary>
    public int MaxConcurrentStreams { get; init; } = 250;

    /// <summary>HTTP/2 flow-control windows (bytes). Larger windows help big messages over high-latency links.</summary>
    public int InitialStreamWindowSize { get; init; } = 1024 * 1024;

    public int InitialConnectionWindowSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>HTTP/2 keep-alive pings to clients after this much silence (null = off), answered within <see cref="KeepAlivePingTimeout"/>.</summary>
    public TimeSpan? KeepAlivePingDelay { get; init; }

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Close client connections older than this gracefully (HTTP/2 GOAWAY: running streams finish, new calls go
    /// to a new connection), so long-lived gRPC clients rebalance across gateway replicas. Null = never.
    /// </summary>
    public TimeSpan? MaxConnectionAge { get; init; }

    /// <summary>After GOAWAY, streams still open this long are cut. Null = wait for them.</summary>
    public TimeSpan? MaxConnectionAgeGrace { get; init; }

    /// <summary>Which peers' X-Forwarded-* headers are kept (Traefik's <c>forwardedHeaders</c>); default: none.</summary>
    public ForwardedHeadersOptions ForwardedHeaders { get; init; } = ForwardedHeadersOptions.Default;

    /// <summary>
    /// Non-null: a UDP entry point (Traefik's <c>address: ":5353/udp"</c>) serving IngressRouteUDP sessions; it has no
    /// Kestrel server and none of the HTTP options above apply.
    /// </summary>
    public Udp.UdpEntryPointSettings? Udp { get; init; }

    /// <summary>
    /// Non-null: read a PROXY protocol header (v1/v2) at the start of each connection, believed from the trusted
    /// peers only (Traefik's <c>proxyProtocol</c>). Null: off, the bytes are not looked at.
    /// </summary>
    public ProxyProtocol.ProxyProtocolOptions? ProxyProtocol { get; init; }

    /// <summary>Largest request header block in bytes (Traefik's http.maxHeaderBytes); null = Kestrel's default (32 KiB).</summary>
    public int? MaxHeaderBytes { get; init; }

    /// <summary>Graceful shutdown: how long running calls may finish when the gateway stops.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);
}
