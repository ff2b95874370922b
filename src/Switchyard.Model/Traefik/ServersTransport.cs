using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>ServersTransport: how the proxy connects to backend servers (TLS, timeouts, HTTP/2).</summary>
public sealed record ServersTransport : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>ServersTransport.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Transport settings.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required ServersTransportSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Desired state of a ServersTransport.</summary>
public sealed record ServersTransportSpec
{
    /// <summary>Server name (SNI and certificate check) used to contact the servers.</summary>
    [JsonPropertyName("serverName")]
    public string? ServerName { get; init; }

    /// <summary>Skip server certificate validation.</summary>
    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; init; }

    /// <summary>CA certificates (Secret or ConfigMap, key tls.ca or ca.crt) that validate servers.</summary>
    [JsonPropertyName("rootCAs")]
    public IReadOnlyList<RootCA>? RootCAs { get; init; }

    /// <summary>Deprecated: CA Secrets (use rootCAs).</summary>
    [JsonPropertyName("rootCAsSecrets")]
    public IReadOnlyList<string>? RootCAsSecrets { get; init; }

    /// <summary>Minimum TLS version towards the servers: VersionTLS10, VersionTLS11, VersionTLS12 (default), VersionTLS13.</summary>
    [JsonPropertyName("minVersion")]
    public string? MinVersion { get; init; }

    /// <summary>Maximum TLS version towards the servers (default: the highest, VersionTLS13).</summary>
    [JsonPropertyName("maxVersion")]
    public string? MaxVersion { get; init; }

    /// <summary>Cipher suites offered to the servers for TLS up to 1.2 (Go names).</summary>
    [JsonPropertyName("cipherSuites")]
    public IReadOnlyList<string>? CipherSuites { get; init; }

    /// <summary>Secrets holding client certificates for mTLS (tls.crt, tls.key).</summary>
    [JsonPropertyName("certificatesSecrets")]
    public IReadOnlyList<string>? CertificatesSecrets { get; init; }

    /// <summary>Maximum idle keep-alive connections per host.</summary>
    [JsonPropertyName("maxIdleConnsPerHost")]
    public int? MaxIdleConnsPerHost { get; init; }

    /// <summary>Timeouts of forwarded requests.</summary>
    [JsonPropertyName("forwardingTimeouts")]
    public ForwardingTimeouts? ForwardingTimeouts { get; init; }

    /// <summary>Disable HTTP/2 towards the servers.</summary>
    [JsonPropertyName("disableHTTP2")]
    public bool? DisableHttp2 { get; init; }

    /// <summary>URI SAN the server certificate must carry.</summary>
    [JsonPropertyName("peerCertURI")]
    public string? PeerCertUri { get; init; }

    /// <summary>SPIFFE settings.</summary>
    [JsonPropertyName("spiffe")]
    public Spiffe? Spiffe { get; init; }
}

/// <summary>A CA certificate reference: a Secret or a ConfigMap (Secret wins when both are set).</summary>
public sealed record RootCA
{
    /// <summary>Secret holding the CA (key tls.ca or ca.crt).</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>ConfigMap holding the CA (key tls.ca or ca.crt).</summary>
    [JsonPropertyName("configMap")]
    public string? ConfigMap { get; init; }
}

/// <summary>Timeouts of forwarded requests (seconds or duration strings).</summary>
public sealed record ForwardingTimeouts
{
    /// <summary>Time to establish a connection (default 30s).</summary>
    [JsonPropertyName("dialTimeout")]
    public IntOrString? DialTimeout { get; init; }

    /// <summary>Time to wait for response headers after the request is written (default 0: none).</summary>
    [JsonPropertyName("responseHeaderTimeout")]
    public IntOrString? ResponseHeaderTimeout { get; init; }

    /// <summary>How long an idle keep-alive connection stays open (default 90s).</summary>
    [JsonPropertyName("idleConnTimeout")]
    public IntOrString? IdleConnTimeout { get; init; }

    /// <summary>HTTP/2: send a PING after this much silence (default 0: never).</summary>
    [JsonPropertyName("readIdleTimeout")]
    public IntOrString? ReadIdleTimeout { get; init; }

    /// <summary>HTTP/2: close the connection when a PING is not answered in time (default 15s).</summary>
    [JsonPropertyName("pingTimeout")]
    public IntOrString? PingTimeout { get; init; }
}

/// <summary>SPIFFE configuration of a ServersTransport.</summary>
public sealed record Spiffe
{
    /// <summary>Allowed SPIFFE IDs.</summary>
    [JsonPropertyName("ids")]
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>Allowed SPIFFE trust domain.</summary>
    [JsonPropertyName("trustDomain")]
    public string? TrustDomain { get; init; }
}
