using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Routing.Table.Der;

namespace Switchyard.Routing.Table;

/// <summary>
/// The parsed form of one PEM content (certificates, and the key when given): its <see cref="Summary"/> and its
/// X.509 objects. Material the managed reader is sure of (<see cref="ManagedPemReader"/>) gets its X.509 objects at
/// their first use — the first TLS handshake or backend transport that needs them — so OpenSSL is not loaded
/// before then; other material is read by OpenSSL at once, as before, with its errors.
/// </summary>
internal sealed class ParsedPem
{
    private readonly Lazy<(ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate)> _x509;
    private readonly Lazy<CertificateSummary> _summary;

    private ParsedPem(Lazy<(ImmutableArray<X509Certificate2>, X509Certificate2)> x509, CertificateSummary? summary)
    {
        _x509 = x509;
        // A summary the managed reader did not give (the OpenSSL path, or a CA bundle without a plain subject) is
        // read from the certificate when asked; like PemMaterial's reading before, a malformed SAN throws then.
        _summary = summary is { } known ? new(() => known) : new(() => CertificateSummary.FromX509(_x509.Value.Certificate));
    }

    public ImmutableArray<X509Certificate2> Certificates => _x509.Value.Certificates;

    public X509Certificate2 Certificate => _x509.Value.Certificate;

    public CertificateSummary Summary => _summary.Value;

    /// <summary>Whether the X.509 objects were made (OpenSSL used): tests and the process checks read it.</summary>
    public bool X509Made => _x509.IsValueCreated;

    /// <exception cref="CryptographicException">Not a certificate, no certificate, or a key that does not match (OpenSSL's reading).</exception>
    /// <exception cref="ArgumentException">Not valid PEM.</exception>
    public static ParsedPem Read(string certificatePem, string? keyPem)
    {
        if (ManagedPemReader.TryRead(certificatePem, keyPem) is { } reading)
        {
            return new ParsedPem(new(() => X509Pem.Parse(certificatePem, keyPem)), reading.Summary);
        }

        var parsed = X509Pem.Parse(certificatePem, keyPem);
        return new ParsedPem(new(() => parsed), null);
    }
}
