using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.Routing.Table;

/// <summary>PEM certificates (and the matching private key: PKCS#8, RSA or EC) parsed by the framework, i.e. OpenSSL on Linux.</summary>
internal static class X509Pem
{
    /// <exception cref="CryptographicException">Not a certificate, no certificate (<see cref="PemCertificate.NoCertificate"/>), or a key that does not match.</exception>
    /// <exception cref="ArgumentException">Not valid PEM.</exception>
    public static (ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate) Parse(string certificatePem, string? keyPem)
    {
        var withKey = keyPem is null ? null : LoadWithKey(certificatePem, keyPem);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        if (all.Count == 0)
        {
            throw new CryptographicException(PemCertificate.NoCertificate);
        }

        return ([.. all], withKey ?? all[0]);
    }

    /// <summary>Re-imported through PKCS#12 so the key is not ephemeral and SslStream can use it on every platform.</summary>
    private static X509Certificate2 LoadWithKey(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
