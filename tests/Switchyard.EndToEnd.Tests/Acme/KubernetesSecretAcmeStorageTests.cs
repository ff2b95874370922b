using Switchyard.Acme;
using Switchyard.DataPlane.Acme;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Acme;

/// <summary>Cluster-mode ACME storage through the real KubernetesClient against the fake API server.</summary>
[CancelAfter(60_000)]
public class KubernetesSecretAcmeStorageTests
{
    [Test]
    public async Task CertificatesAndAccountKeyRoundTripThroughSecrets(CancellationToken ct)
    {
        await using var api = await FakeApiServer.StartAsync();
        var storage = new KubernetesSecretAcmeStorage(api.CreateClient(), "switchyard", "letsencrypt");
        var ca = TestCertificates.CreateCa();
        using var leaf = TestCertificates.IssueServer(ca, "a.example.com", "b.example.com");
        var cert = new AcmeCertificate(["a.example.com", "b.example.com"], TestCertificates.CertificatePem(leaf), TestCertificates.PrivateKeyPem(leaf));

        Assert.That(await storage.LoadCertificateAsync(cert.Domains, ct), Is.Null);
        await storage.SaveCertificateAsync(cert, ct);
        await storage.SaveCertificateAsync(cert, ct); // second save replaces, does not conflict
        await storage.SaveAccountKeyAsync("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n", ct);

        var loaded = await storage.LoadCertificateAsync(cert.Domains, ct);
        Assert.That(loaded, Is.Not.Null);
        Assert.That(loaded!.ChainPem, Is.EqualTo(cert.ChainPem));
        Assert.That(loaded.KeyPem, Is.EqualTo(cert.KeyPem));
        Assert.That(await storage.LoadAccountKeyAsync(ct), Does.Contain("BEGIN PRIVATE KEY"));
        Assert.That(await storage.LoadCertificateAsync(["a.example.com"], ct), Is.Null, "another domain set is another certificate");

        var secret = api.Get("v1", "Secret", "switchyard", storage.CertificateSecretName(cert.Domains));
        Assert.That(secret?["type"]?.GetValue<string>(), Is.EqualTo("kubernetes.io/tls"));
        Assert.That(secret?["metadata"]?["labels"]?[KubernetesSecretAcmeStorage.ResolverLabel]?.GetValue<string>(), Is.EqualTo("letsencrypt"));
    }
}
