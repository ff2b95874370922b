using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>All TLS material and settings of a table.</summary>
/// <param name="Certificates">By id (<c>namespace-secretName</c>), from Secrets that routers and stores reference.</param>
/// <param name="Stores">TLSStores by id; "default" is the store of namespace-less references.</param>
/// <param name="Options">TLSOptions by id; "default" exists always (Traefik's defaults or the default TLSOption).</param>
public sealed record TlsConfig(
    ImmutableSortedDictionary<string, TlsCertificate> Certificates,
    ImmutableSortedDictionary<string, TlsStoreConfig> Stores,
    ImmutableSortedDictionary<string, TlsOptionsConfig> Options)
{
    public static TlsConfig Empty { get; } = new(
        ImmutableSortedDictionary<string, TlsCertificate>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, TlsStoreConfig>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, TlsOptionsConfig>.Empty.WithComparers(StringComparer.Ordinal));
}

/// <summary>A serving certificate with its key. DnsNames are the certificate's SAN DNS names (and CN when none).</summary>
public sealed record TlsCertificate(ImmutableArray<string> DnsNames, PemCertificate Pem);

/// <param name="DefaultCertificate">Certificate id served when no SNI matches; null ⇒ a generated self-signed one.</param>
/// <param name="DefaultCertResolver">ACME resolver for the default certificate, if any.</param>
public sealed record TlsStoreConfig(string? DefaultCertificate, ImmutableArray<string> Certificates, string? DefaultCertResolver)
{
    /// <summary>defaultGeneratedCert.domain (main first, then sans): what <see cref="DefaultCertResolver"/> orders for the default certificate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string> DefaultGeneratedDomains { get; init; }
}

/// <summary>TLSOption. Versions are Traefik's names (VersionTLS12, VersionTLS13).</summary>
public sealed record TlsOptionsConfig(
    string? MinVersion,
    string? MaxVersion,
    ImmutableArray<string> CipherSuites,
    ImmutableArray<string> CurvePreferences,
    ClientAuthConfig? ClientAuth,
    bool SniStrict,
    ImmutableArray<string> AlpnProtocols)
{
    /// <summary>disableSessionTickets: no TLS resumption (Go's server resumes only by ticket, so this turns resumption off).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool DisableSessionTickets { get; init; }
}

/// <param name="ClientAuthType">NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert.</param>
public sealed record ClientAuthConfig(string ClientAuthType, ImmutableArray<PemCertificate> CaCertificates);
