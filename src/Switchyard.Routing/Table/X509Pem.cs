using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.Routing.Table;

/// <summary>PEM certificates (and the matching private key: PKCS#8, RSA or EC) parsed by the framework, i.e. OpenSSL on Linux.</summary>
internal static class X509Pem
{
    /// <exception cref="CryptographicException">Not a certificate, no certificate (<see cref="PemCertificate.NoCertificate"/>), a key that does not match, or one the platform cannot import.</exception>
    /// <exception cref="ArgumentException">Not valid PEM.</exception>
    public static (ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate) Parse(string certificatePem, string? keyPem)
    {
        try
        {
            return ParseCore(certificatePem, keyPem);
        }
        catch (NotSupportedException ex)
        {
            // A key on a curve the platform does not have (an unknown or mangled curve OID) throws
            // PlatformNotSupportedException from the key import: invalid material like any other, not a crash of the
            // compile (found by ManagedPemReadingTests' mutated keys).
            throw new CryptographicException(ex.Message, ex);
        }
    }

    private static (ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate) ParseCore(string certificatePem, string? keyPem)
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
