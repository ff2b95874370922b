using System.Security.Cryptography.X509Certificates;

namespace Switchyard.DataPlane.Acme;

/// <summary>An issued certificate: the PEM chain (leaf first) and its private key, with the domains it covers.</summary>
public sealed record AcmeCertificate(IReadOnlyList<string> Domains, string ChainPem, string KeyPem)
{
    /// <summary>Loads the leaf with its key and the intermediates (for SslStreamCertificateContext).</summary>
    public X509Certificate2 LoadLeaf()
    {
        using var leaf = X509Certificate2.CreateFromPem(ChainPem, KeyPem);
        return X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2Collection LoadChain()
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(ChainPem);
        return all;
    }

    public DateTimeOffset NotAfter
    {
        get
        {
            using var leaf = X509Certificate2.CreateFromPem(ChainPem);
            return new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
    }

    public DateTimeOffset NotBefore
    {
        get
        {
            using var leaf = X509Certificate2.CreateFromPem(ChainPem);
            return new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        }
    }
}
