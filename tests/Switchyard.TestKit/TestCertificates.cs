using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.TestKit;

/// <summary>Real X.509 certificates made in the test: a private CA, server and client leaves, PEM export.</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateCa(string name = "Switchyard Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A server certificate for the DNS names (and 127.0.0.1), signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, params string[] dnsNames) =>
        Issue(ca, dnsNames.Length > 0 ? dnsNames[0] : "localhost", dnsNames, server: true);

    /// <summary>A server certificate like <see cref="IssueServer"/> that also carries a URI SAN (a SPIFFE id, for peerCertURI).</summary>
    public static X509Certificate2 IssueServerWithUri(X509Certificate2 ca, string uri, params string[] dnsNames) =>
        Issue(ca, dnsNames.Length > 0 ? dnsNames[0] : "localhost", dnsNames, server: true, uri);

    /// <summary>A client certificate with the common name, signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string commonName) =>
        Issue(ca, commonName, Array.Empty<string>(), server: false);

    /// <summary>A self-signed server certificate (no CA).</summary>
    public static X509Certificate2 SelfSigned(params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = LeafRequest(key, dnsNames.Length > 0 ? dnsNames[0] : "localhost", dnsNames, server: true);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return Reload(cert);
    }

    public static string CertificatePem(X509Certificate2 cert) => cert.ExportCertificatePem();

    /// <summary>A kubernetes.io/tls Secret manifest (default namespace) holding the certificate and its key.</summary>
    public static string TlsSecretManifest(string name, X509Certificate2 certificate) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: {{name}}, namespace: default}
        type: kubernetes.io/tls
        stringData:
          tls.crt: "{{CertificatePem(certificate).ReplaceLineEndings("\\n")}}"
          tls.key: "{{PrivateKeyPem(certificate).ReplaceLineEndings("\\n")}}"
        """;

    public static string PrivateKeyPem(X509Certificate2 cert)
    {
        using var ec = cert.GetECDsaPrivateKey();
        if (ec is not null)
        {
            return ec.ExportPkcs8PrivateKeyPem();
        }

        using var rsa = cert.GetRSAPrivateKey() ?? throw new InvalidOperationException("certificate has no private key");
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string cn, string[] dnsNames, bool server, string? uri = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = LeafRequest(key, cn, dnsNames, server, uri);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = req.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    private static CertificateRequest LeafRequest(ECDsa key, string cn, string[] dnsNames, bool server, string? uri = null)
    {
        var req = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") }, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var n in dnsNames)
            {
                san.AddDnsName(n);
            }

            san.AddIpAddress(System.Net.IPAddress.Loopback);
            if (uri is not null)
            {
                san.AddUri(new Uri(uri));
            }

            req.CertificateExtensions.Add(san.Build());
        }

        return req;
    }

    // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
    private static X509Certificate2 Reload(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
