using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>ServersTransportTCP: how the proxy connects to TCP backends (Traefik v3.7 serverstransporttcp.go).</summary>
public sealed record ServersTransportTcp : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>ServersTransportTCP.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Transport settings.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required ServersTransportTcpSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Desired state of a ServersTransportTCP.</summary>
public sealed record ServersTransportTcpSpec
{
    /// <summary>Time allowed to establish a connection to a server (default 30s).</summary>
    [JsonPropertyName("dialTimeout")]
    public IntOrString? DialTimeout { get; init; }

    /// <summary>Interval between TCP keep-alive probes (default 15s; negative: off).</summary>
    [JsonPropertyName("dialKeepAlive")]
    public IntOrString? DialKeepAlive { get; init; }

    /// <summary>PROXY protocol header sent to the servers.</summary>
    [JsonPropertyName("proxyProtocol")]
    public ProxyProtocol? ProxyProtocol { get; init; }

    /// <summary>Delay before fully closing a connection after one peer closed its writing half (default 100ms).</summary>
    [JsonPropertyName("terminationDelay")]
    public IntOrString? TerminationDelay { get; init; }

    /// <summary>TLS towards the servers.</summary>
    [JsonPropertyName("tls")]
    public TlsClientConfig? Tls { get; init; }
}

/// <summary>TLS client settings of a ServersTransportTCP.</summary>
public sealed record TlsClientConfig
{
    /// <summary>Server name (SNI and certificate check) used to contact the servers.</summary>
    [JsonPropertyName("serverName")]
    public string? ServerName { get; init; }

    /// <summary>Skip server certificate validation.</summary>
    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; init; }

    /// <summary>CA certificates (Secret or ConfigMap) that validate servers.</summary>
    [JsonPropertyName("rootCAs")]
    public IReadOnlyList<RootCA>? RootCAs { get; init; }

    /// <summary>Deprecated: CA Secrets (use rootCAs).</summary>
    [JsonPropertyName("rootCAsSecrets")]
    public IReadOnlyList<string>? RootCAsSecrets { get; init; }

    /// <summary>Secrets holding client certificates for mTLS (tls.crt, tls.key).</summary>
    [JsonPropertyName("certificatesSecrets")]
    public IReadOnlyList<string>? CertificatesSecrets { get; init; }

    /// <summary>Deprecated: URI SAN the server certificate must carry (use peerCertSANs).</summary>
    [JsonPropertyName("peerCertURI")]
    public string? PeerCertUri { get; init; }

    /// <summary>Subject alternative names the server certificate must carry.</summary>
    [JsonPropertyName("peerCertSANs")]
    public IReadOnlyList<PeerCertSan>? PeerCertSans { get; init; }

    /// <summary>SPIFFE settings.</summary>
    [JsonPropertyName("spiffe")]
    public Spiffe? Spiffe { get; init; }
}

/// <summary>A subject alternative name expected on the server certificate.</summary>
public sealed record PeerCertSan
{
    /// <summary>SAN type: DNSName or URI.</summary>
    [JsonPropertyName("type")]
    [AllowedValues("DNSName", "URI")]
    public string? Type { get; init; }

    /// <summary>The expected value.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; init; }
}
