using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>How the data plane connects to backends (ServersTransport, with Traefik's defaults applied).</summary>
/// <param name="RootCas">CA certificates read from the referenced Secrets / ConfigMaps.</param>
/// <param name="ClientCertificates">Client certificates (with keys) for mTLS to the backend.</param>
/// <param name="MaxIdleConnsPerHost">Go's meaning: idle connections kept per server; -1 keeps none (each call opens its own).</param>
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
    // The TLS settings below are written only when set, so tables without them read as before.

    /// <summary>Lowest TLS version towards the servers (Traefik's name, e.g. VersionTLS12); null = TLS 1.2.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? MinVersion { get; init; }

    /// <summary>Highest TLS version towards the servers; null = TLS 1.3.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? MaxVersion { get; init; }

    /// <summary>Cipher suites offered for TLS up to 1.2 (.NET names of Go's); default (unset) = the platform's defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string> CipherSuites { get; init; }

    /// <summary>
    /// Names one of which the backend's certificate must carry instead of the serverName (a BackendTLSPolicy's
    /// subjectAltNames): <c>DNS:name</c> or <c>URI:uri</c>; default (unset) = none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string> PeerCertSans { get; init; }

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
