using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// PEM material read from a Secret or ConfigMap, parsed once by <see cref="Parse"/> (the compiler's reader and
/// hand-built test tables both use it), so the data plane uses <see cref="Certificates"/> and
/// <see cref="Certificate"/> and never parses PEM. The certificate is public and shows as its SHA-256
/// fingerprint; the private key is <see cref="SecretText"/> (redacted when written, part of the table's value).
/// The value (equality, <see cref="TableFingerprint"/>, JSON) is the PEM text: the parsed objects are not part of it.
/// </summary>
public sealed record PemCertificate
{
    /// <summary>Why <see cref="Parse"/> refuses PEM text that holds no certificate.</summary>
    public const string NoCertificate = "no PEM certificate found";

    private PemCertificate(string source, string certificatePem, SecretText? keyPem, ImmutableArray<X509Certificate2> certificates, X509Certificate2 certificate)
    {
        Source = source;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        Certificates = certificates;
        Certificate = certificate;
    }

    /// <summary>Where it came from, e.g. <c>Secret default/backend-ca</c>.</summary>
    public string Source { get; }

    [JsonIgnore]
    public string CertificatePem { get; }

    public SecretText? KeyPem { get; }

    /// <summary>sha256 over the certificate PEM (hex): lets a reader see that material changed; hashed by the fingerprint.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CertificatePem)));

    public bool HasKey => KeyPem is not null;

    /// <summary>Every certificate of the PEM text, in order (a CA bundle often holds several). Shared: never dispose.</summary>
    [JsonIgnore]
    public ImmutableArray<X509Certificate2> Certificates { get; }

    /// <summary>The first certificate, with its private key when <see cref="KeyPem"/> is set (usable by SslStream). Shared: never dispose.</summary>
    [JsonIgnore]
    public X509Certificate2 Certificate { get; }

    /// <summary>Parses the PEM text (and the matching private key: PKCS#8, RSA or EC).</summary>
    /// <exception cref="CryptographicException">Not a certificate, no certificate (<see cref="NoCertificate"/>), or a key that does not match.</exception>
    /// <exception cref="ArgumentException">Not valid PEM.</exception>
    public static PemCertificate Parse(string source, string certificatePem, SecretText? keyPem = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(certificatePem);
        var (certificates, certificate) = ParsedByContent.Get(certificatePem, keyPem?.Reveal());
        return new PemCertificate(source, certificatePem, keyPem, certificates, certificate);
    }

    /// <summary>Parses without the cache (what <see cref="ParsedByContent"/> calls on a miss).</summary>
    internal static (ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate) ParseCore(string certificatePem, string? keyPem)
    {
        var withKey = keyPem is null ? null : LoadWithKey(certificatePem, keyPem);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        if (all.Count == 0)
        {
            throw new CryptographicException(NoCertificate);
        }

        return ([.. all], withKey ?? all[0]);
    }

    public bool Equals(PemCertificate? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (string.Equals(Source, other.Source, StringComparison.Ordinal)
                && string.Equals(CertificatePem, other.CertificatePem, StringComparison.Ordinal)
                && Equals(KeyPem, other.KeyPem)));

    public override int GetHashCode() => HashCode.Combine(Source, CertificatePem, KeyPem);

    /// <summary>Re-imported through PKCS#12 so the key is not ephemeral and SslStream can use it on every platform.</summary>
    private static X509Certificate2 LoadWithKey(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
