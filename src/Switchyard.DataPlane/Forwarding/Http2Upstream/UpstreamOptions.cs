using System.Net.Security;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Timers and bounds of the connections to one backend. The names and defaults are those of Traefik's
/// ServersTransport <c>forwardingTimeouts</c> (dialTimeout 30 s, idleConnTimeout 90 s, readIdleTimeout 0 = no PING,
/// pingTimeout 15 s), so the data plane can hand a transport's values through unchanged, as it does to SocketsHttpHandler
/// in <c>ServersTransportHandlerFactory</c>.
/// </summary>
public sealed record UpstreamOptions
{
    public static readonly UpstreamOptions Default = new();

    /// <summary>TCP connect plus the backend's first SETTINGS: a backend that accepts but never speaks HTTP/2 fails here.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A PING goes out when nothing was read from the backend for this long (zero: never, Traefik's default).</summary>
    public TimeSpan ReadIdleTimeout { get; init; }

    /// <summary>A PING unanswered for this long means the connection is dead: its calls fail, the next call dials.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A connection without streams for this long is closed (zero: kept).</summary>
    public TimeSpan IdleConnTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Connections per backend. When every one is at the backend's SETTINGS_MAX_CONCURRENT_STREAMS a call fails as
    /// UNAVAILABLE instead of queueing without bound.
    /// </summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>
    /// TLS to the backend (null: h2c), e.g. <c>ServersTransportHandlerFactory.CreateSslOptions</c> with TargetHost set
    /// to the transport's serverName (else the backend's host): rootCAs, insecureSkipVerify, peerCertURI in its
    /// validation callback, certificatesSecrets as client certificates. ALPN is always h2 only here: a backend that
    /// does not agree fails the dial (UNAVAILABLE).
    /// </summary>
    public SslClientAuthenticationOptions? Tls { get; init; }
}
