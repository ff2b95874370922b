using System.Security.Cryptography.X509Certificates;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>Loads PEM material from the table into certificates usable by SslStream on Linux.</summary>
public static class PemLoader
{
    /// <summary>Every certificate of a PEM bundle (CA bundles often hold several).</summary>
    public static X509Certificate2Collection LoadCertificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    /// <summary>A certificate with its private key (PKCS#8, RSA or EC), re-imported so SslStream can use the key.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
