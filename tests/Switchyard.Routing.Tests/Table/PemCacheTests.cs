using Switchyard.Routing.Table;
using Switchyard.Routing.Tests.Compiler;
using Switchyard.TestKit;

namespace Switchyard.Routing.Tests.Table;

/// <summary>PemCertificate.Parse keeps parsed certificates by content: a recompile with unchanged Secrets imports nothing again.</summary>
public class PemCacheTests
{
    [Test]
    [CancelAfter(30_000)]
    public void A_recompile_with_the_same_secret_reuses_the_parsed_certificate()
    {
        var snapshot = GoldenCase.Load("tls-secret");
        var first = RoutingCompiler.Compile(snapshot).Table.Tls.Certificates;
        var second = RoutingCompiler.Compile(snapshot).Table.Tls.Certificates;
        Assert.That(first, Is.Not.Empty, "the case has TLS certificates");
        foreach (var (id, cert) in first)
        {
            Assert.That(second[id].Pem.Certificate, Is.SameAs(cert.Pem.Certificate), $"{id}: the certificate with its key was imported again");
            Assert.That(second[id].Pem.Certificates[0], Is.SameAs(cert.Pem.Certificates[0]));
        }
    }

    [Test]
    public void Other_content_is_parsed_anew_and_the_source_stays_per_reference()
    {
        using var one = TestCertificates.SelfSigned("one.test");
        using var two = TestCertificates.SelfSigned("two.test");
        var a = PemCertificate.Parse("Secret default/a", TestCertificates.CertificatePem(one), TestCertificates.PrivateKeyPem(one));
        var b = PemCertificate.Parse("Secret default/b", TestCertificates.CertificatePem(one), TestCertificates.PrivateKeyPem(one));
        var c = PemCertificate.Parse("Secret default/c", TestCertificates.CertificatePem(two), TestCertificates.PrivateKeyPem(two));
        var certOnly = PemCertificate.Parse("Secret default/a", TestCertificates.CertificatePem(one));

        Assert.That(b.Certificate, Is.SameAs(a.Certificate), "same PEM, other Secret: one import");
        Assert.That(b.Source, Is.EqualTo("Secret default/b"));
        Assert.That(c.Certificate, Is.Not.SameAs(a.Certificate));
        Assert.That(c.Certificate.Subject, Is.EqualTo("CN=two.test"));
        Assert.That(certOnly.Certificate.HasPrivateKey, Is.False, "without the key it is other content");
        Assert.That(a.Certificate.HasPrivateKey, Is.True);
    }
}
