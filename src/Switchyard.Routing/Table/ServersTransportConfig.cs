using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>How the data plane connects to backends (ServersTransport, with Traefik's defaults applied).</summary>
/// <param name="RootCas">CA certificates read from the referenced Secrets / ConfigMaps.</param>
/// <param name="ClientCertificates">Client certificates (with keys) for mTLS to the backend.</param>
public sealed record ServersTransportConfig(
    string? ServerName,
    bool InsecureSkipVerify,
    ImmutableArray<PemCertificate> RootCas,
    ImmutableArray<PemCertificate> ClientCertificates,
    int MaxIdleConnsPerHost,
    ForwardingTimeouts Timeouts,
    bool DisableHttp2,
    string? PeerCertUri)
{
    public static ServersTransportConfig Default { get; } = new(
        null, false, ImmutableArray<PemCertificate>.Empty, ImmutableArray<PemCertificate>.Empty, 200,
        ForwardingTimeouts.Default, false, null);
}

/// <summary>Traefik's forwardingTimeouts. Zero means "none".</summary>
public sealed record ForwardingTimeouts(
    TimeSpan DialTimeout,
    TimeSpan ResponseHeaderTimeout,
    TimeSpan IdleConnTimeout,
    TimeSpan ReadIdleTimeout,
    TimeSpan PingTimeout)
{
    public static ForwardingTimeouts Default { get; } = new(
        TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(90), TimeSpan.Zero, TimeSpan.FromSeconds(15));
}
