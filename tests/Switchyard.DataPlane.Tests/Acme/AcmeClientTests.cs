using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.Acme;
using Switchyard.TestKit.Acme;

namespace Switchyard.DataPlane.Tests.Acme;

/// <summary>The RFC 8555 client against Debian's real pebble ACME server on 127.0.0.1.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public class AcmeClientTests
{
    [OneTimeSetUp]
    public void RequirePebble()
    {
        if (!PebbleServer.IsInstalled)
        {
            Assert.Ignore("pebble is not installed (scripts/setup.d/30-acme.sh installs it)");
        }
    }

    [TestCase(AcmeChallengeType.Http01)]
    [TestCase(AcmeChallengeType.TlsAlpn01)]
    public async Task IssuesCertificateForTwoHostnames(AcmeChallengeType type, CancellationToken ct)
    {
        var store = new AcmeChallengeStore();
        await using var listener = await AcmeChallengeListener.StartAsync(store);
        await using var pebble = await PebbleServer.StartAsync(listener.HttpPort, listener.TlsPort);
        using var http = pebble.CreateHttpClient();
        using var key = AcmeAccountKey.Create();
        var client = new AcmeClient(http, pebble.DirectoryUrl, key);

        var cert = await new AcmeIssuer(client, store).IssueAsync(["a.acme.test", "b.acme.test"], type, "EC256", "ops@acme.test", ct);

        using var leaf = X509Certificate2.CreateFromPem(cert.ChainPem);
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
        Assert.That(san, Is.EquivalentTo(new[] { "a.acme.test", "b.acme.test" }));
        using var root = await pebble.GetIssuingRootAsync();
        Assert.That(ChainsTo(cert, root), Is.True, "issued chain must lead to pebble's root");
        using var withKey = cert.LoadLeaf();
        Assert.That(withKey.HasPrivateKey, Is.True);
        Assert.That(store.HasTlsAlpn01, Is.False, "challenges are removed once validated");
    }

    [Test]
    public async Task SucceedsWhilePebbleRejectsNonces(CancellationToken ct)
    {
        var store = new AcmeChallengeStore();
        await using var listener = await AcmeChallengeListener.StartAsync(store);
        await using var pebble = await PebbleServer.StartAsync(listener.HttpPort, listener.TlsPort, rejectNonces: true);
        using var http = pebble.CreateHttpClient();
        using var key = AcmeAccountKey.Create("RSA2048");
        var client = new AcmeClient(http, pebble.DirectoryUrl, key);
        var issuer = new AcmeIssuer(client, store);

        // Several orders make it near-certain that at least one badNonce is met and retried.
        for (var i = 0; i < 3; i++)
        {
            var cert = await issuer.IssueAsync([$"n{i}.acme.test"], AcmeChallengeType.Http01, "EC256", null, ct);
            Assert.That(cert.ChainPem, Does.Contain("BEGIN CERTIFICATE"));
        }
    }

    [Test]
    public async Task FailingChallengeSurfacesTheAcmeProblem(CancellationToken ct)
    {
        var store = new AcmeChallengeStore();
        // Pebble is pointed at ports where nothing listens: the challenge must fail with a problem document.
        await using var pebble = await PebbleServer.StartAsync(PebbleServer.FreePort(), PebbleServer.FreePort());
        using var http = pebble.CreateHttpClient();
        using var key = AcmeAccountKey.Create();
        var client = new AcmeClient(http, pebble.DirectoryUrl, key);

        var ex = await Assert.ThrowsAsync<AcmeException>(() =>
            new AcmeIssuer(client, store).IssueAsync(["fail.acme.test"], AcmeChallengeType.Http01, "EC256", null, ct));
        Assert.That(ex!.Problem.Type, Does.StartWith("urn:ietf:params:acme:error:"));
        Assert.That(ex.Message, Does.Contain("fail.acme.test"));
    }

    [Test]
    public async Task UnreachableCaIsAnHttpError(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var key = AcmeAccountKey.Create();
        var client = new AcmeClient(http, new Uri($"https://127.0.0.1:{PebbleServer.FreePort()}/dir"), key);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.RegisterAccountAsync(null, true, ct));
    }

    [Test]
    public void KeyAuthorizationUsesTheRfc7638Thumbprint()
    {
        using var key = AcmeAccountKey.Create();
        var jwk = key.Jwk().ToJsonString();
        Assert.That(jwk, Does.StartWith("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":"));
        Assert.That(key.KeyAuthorization("tok"), Is.EqualTo("tok." + key.Thumbprint()));
        using var again = AcmeAccountKey.FromPem(key.ExportPem());
        Assert.That(again.Thumbprint(), Is.EqualTo(key.Thumbprint()));
    }

    private static bool ChainsTo(AcmeCertificate cert, X509Certificate2 root)
    {
        var all = cert.LoadChain();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var c in all.Skip(1))
        {
            chain.ChainPolicy.ExtraStore.Add(c);
        }

        return chain.Build(all[0]);
    }
}
