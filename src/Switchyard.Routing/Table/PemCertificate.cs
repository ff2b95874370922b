using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Serialization;
using Switchyard.Model;

namespace Switchyard.Routing.Table;

/// <summary>
/// PEM material read from a Secret or ConfigMap, parsed once by <see cref="Parse"/> (the compiler's reader and
/// hand-built test tables both use it), so the data plane uses <see cref="Certificates"/> and
/// <see cref="Certificate"/> and never parses PEM. <see cref="Parse"/> reads the common forms without OpenSSL and
/// makes the X.509 objects at their first use (see <see cref="ParsedPem"/>): nothing at table build or in the
/// metrics touches them (they read <see cref="Summary"/>). The certificate is public and shows as its SHA-256
/// fingerprint; the private key is <see cref="SecretText"/> (redacted when written, part of the table's value).
/// The value (equality, <see cref="TableFingerprint"/>, JSON) is the PEM text: the parsed objects are not part of it.
/// </summary>
[JsonConverter(typeof(PemCertificateJson))]
public sealed record PemCertificate
{
    /// <summary>Why <see cref="Parse"/> refuses PEM text that holds no certificate.</summary>
    public const string NoCertificate = "no PEM certificate found";

    private readonly ParsedPem _parsed;

    private PemCertificate(string source, string certificatePem, SecretText? keyPem, ParsedPem parsed)
    {
        Source = source;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        _parsed = parsed;
    }

    /// <summary>Where it came from, e.g. <c>Secret default/backend-ca</c>.</summary>
    public string Source { get; }

    [JsonIgnore]
    public string CertificatePem { get; }

    public SecretText? KeyPem { get; }

    /// <summary>sha256 over the certificate PEM (hex): lets a reader see that material changed; hashed by the fingerprint.</summary>
    /// <remarks>The managed <see cref="Sha256"/>: the table fingerprint serialises it, and must not load OpenSSL.</remarks>
    public string Fingerprint => Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(CertificatePem)));

    public bool HasKey => KeyPem is not null;

    /// <summary>Every certificate of the PEM text, in order (a CA bundle often holds several). Shared: never dispose.</summary>
    [JsonIgnore]
    public ImmutableArray<X509Certificate2> Certificates => _parsed.Certificates;

    /// <summary>The first certificate, with its private key when <see cref="KeyPem"/> is set (usable by SslStream). Shared: never dispose.</summary>
    [JsonIgnore]
    public X509Certificate2 Certificate => _parsed.Certificate;

    /// <summary>The first certificate's names, serial and expiry, read without making the X.509 objects when possible.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">Material OpenSSL read, with a malformed SAN.</exception>
    [JsonIgnore]
    public CertificateSummary Summary => _parsed.Summary;

    /// <summary>Whether <see cref="Certificates"/> / <see cref="Certificate"/> were made (OpenSSL used for this content).</summary>
    [JsonIgnore]
    public bool X509Made => _parsed.X509Made;

    /// <summary>Parses the PEM text (and the matching private key: PKCS#8, RSA or EC).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">Not a certificate, no certificate (<see cref="NoCertificate"/>), or a key that does not match.</exception>
    /// <exception cref="ArgumentException">Not valid PEM.</exception>
    public static PemCertificate Parse(string source, string certificatePem, SecretText? keyPem = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(certificatePem);
        return new PemCertificate(source, certificatePem, keyPem, ParsedByContent.Get(certificatePem, keyPem?.Reveal()));
    }

    public bool Equals(PemCertificate? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (string.Equals(Source, other.Source, StringComparison.Ordinal)
                && string.Equals(CertificatePem, other.CertificatePem, StringComparison.Ordinal)
                && Equals(KeyPem, other.KeyPem)));

    public override int GetHashCode() => HashCode.Combine(Source, CertificatePem, KeyPem);

    /// <summary>Written without the parsed objects, so printing a table never makes them (nor loads OpenSSL).</summary>
    public override string ToString() => $"PemCertificate {{ Source = {Source}, Fingerprint = {Fingerprint}, HasKey = {HasKey} }}";
}
