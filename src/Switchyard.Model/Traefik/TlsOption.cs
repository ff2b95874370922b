using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>TLSOption: parameters of incoming TLS connections.</summary>
public sealed record TlsOption : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>TLSOption.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>TLS parameters.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required TlsOptionSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Desired state of a TLSOption.</summary>
public sealed record TlsOptionSpec
{
    /// <summary>Minimum TLS version: VersionTLS10 (default), VersionTLS11, VersionTLS12, VersionTLS13.</summary>
    [JsonPropertyName("minVersion")]
    public string? MinVersion { get; init; }

    /// <summary>Maximum TLS version.</summary>
    [JsonPropertyName("maxVersion")]
    public string? MaxVersion { get; init; }

    /// <summary>Cipher suites for TLS up to 1.2 (Go names).</summary>
    [JsonPropertyName("cipherSuites")]
    public IReadOnlyList<string>? CipherSuites { get; init; }

    /// <summary>Elliptic curves in preference order.</summary>
    [JsonPropertyName("curvePreferences")]
    public IReadOnlyList<string>? CurvePreferences { get; init; }

    /// <summary>Client certificate authentication.</summary>
    [JsonPropertyName("clientAuth")]
    public ClientAuth? ClientAuth { get; init; }

    /// <summary>Reject connections without SNI.</summary>
    [JsonPropertyName("sniStrict")]
    public bool? SniStrict { get; init; }

    /// <summary>ALPN protocols in preference order (default h2, http/1.1, acme-tls/1).</summary>
    [JsonPropertyName("alpnProtocols")]
    public IReadOnlyList<string>? AlpnProtocols { get; init; }

    /// <summary>Disable TLS session tickets.</summary>
    [JsonPropertyName("disableSessionTickets")]
    public bool? DisableSessionTickets { get; init; }

    /// <summary>Deprecated: let the server choose the cipher suite.</summary>
    [JsonPropertyName("preferServerCipherSuites")]
    public bool? PreferServerCipherSuites { get; init; }
}

/// <summary>Client certificate authentication of a TLSOption.</summary>
public sealed record ClientAuth
{
    /// <summary>Secrets holding the CA certificates that validate client certificates.</summary>
    [JsonPropertyName("secretNames")]
    public IReadOnlyList<string>? SecretNames { get; init; }

    /// <summary>NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert.</summary>
    [JsonPropertyName("clientAuthType")]
    [AllowedValues("NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert")]
    public string? ClientAuthType { get; init; }
}
