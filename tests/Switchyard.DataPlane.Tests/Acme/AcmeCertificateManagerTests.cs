using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Acme;
using Switchyard.Model.Diagnostics;
using Switchyard.TestKit;
using Switchyard.TestKit.Acme;

namespace Switchyard.DataPlane.Tests.Acme;

/// <summary>Certificate lifecycle of one resolver against pebble: order, reuse after restart, renewal, failures.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public class AcmeCertificateManagerTests
{
    private string _storage = "";

    [OneTimeSetUp]
    public void RequirePebble()
    {
        if (!PebbleServer.IsInstalled)
        {
            Assert.Ignore("pebble is not installed (scripts/setup.d/30-acme.sh installs it)");
        }
    }

    [SetUp]
    public void MakeStorage() => _storage = Directory.CreateTempSubdirectory("acme-store-").FullName;

    [TearDown]
    public void RemoveStorage() => Directory.Delete(_storage, recursive: true);

    [Test]
    public async Task StoredCertificateIsReusedAfterRestart()
    {
        var store = new AcmeChallengeStore();
        await using var listener = await AcmeChallengeListener.StartAsync(store);
        await using var pebble = await PebbleServer.StartAsync(listener.HttpPort, listener.TlsPort);
        var options = Options(pebble, httpChallenge: true);

        string firstChain;
        await using (var first = Manager(options, store, pebble))
        {
            first.SetDomainSets<string[]>([["reuse.acme.test"]]);
            first.Start();
            await Wait.UntilAsync(() => first.TryGetCertificate("reuse.acme.test", out _), TimeSpan.FromSeconds(60), "first certificate");
            Assert.That(first.OrdersCompleted, Is.EqualTo(1));
            first.TryGetCertificate("reuse.acme.test", out var c);
            firstChain = c.ChainPem;
        }

        await using var second = Manager(options, store, pebble);
        second.SetDomainSets<string[]>([["reuse.acme.test"]]);
        second.Start();
        await Wait.UntilAsync(() => second.TryGetCertificate("reuse.acme.test", out _), TimeSpan.FromSeconds(30), "stored certificate");
        second.TryGetCertificate("reuse.acme.test", out var reused);
        Assert.That(reused.ChainPem, Is.EqualTo(firstChain));
        Assert.That(second.OrdersCompleted, Is.Zero, "no new order after a restart");
    }

    [Test]
    public async Task RenewalReplacesTheCertificate()
    {
        var store = new AcmeChallengeStore();
        await using var listener = await AcmeChallengeListener.StartAsync(store);
        await using var pebble = await PebbleServer.StartAsync(listener.HttpPort, listener.TlsPort);
        // A renewal threshold longer than any certificate's life forces a renewal at every check.
        var options = Options(pebble, httpChallenge: false) with
        {
            RenewBefore = TimeSpan.FromDays(365 * 100),
            CheckInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var manager = Manager(options, store, pebble);
        var seen = new List<string>();
        manager.CertificateChanged += c => { lock (seen) { seen.Add(c.ChainPem); } };
        manager.SetDomainSets<string[]>([["renew.acme.test", "www.renew.acme.test"]]);
        manager.Start();

        await Wait.UntilAsync(() => { lock (seen) { return seen.Distinct().Count() >= 2; } }, TimeSpan.FromSeconds(60), "a renewed certificate");
        Assert.That(manager.OrdersCompleted, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task UnreachableCaIsReportedAndPreviousCertificateKeepsServing()
    {
        var store = new AcmeChallengeStore();
        await using var listener = await AcmeChallengeListener.StartAsync(store);
        await using var pebble = await PebbleServer.StartAsync(listener.HttpPort, listener.TlsPort);
        var options = Options(pebble, httpChallenge: true);
        await using (var first = Manager(options, store, pebble))
        {
            first.SetDomainSets<string[]>([["keep.acme.test"]]);
            first.Start();
            await Wait.UntilAsync(() => first.TryGetCertificate("keep.acme.test", out _), TimeSpan.FromSeconds(60), "first certificate");
        }

        // Same storage, a CA that does not answer, and a threshold that makes the stored certificate due.
        var broken = options with
        {
            CaServer = $"https://127.0.0.1:{PebbleServer.FreePort()}/dir",
            RenewBefore = TimeSpan.FromDays(365 * 100),
        };
        await using var second = Manager(broken, store, pebble);
        var failures = new List<Diagnostic>();
        second.OrderFailed += d => { lock (failures) { failures.Add(d); } };
        second.SetDomainSets<string[]>([["keep.acme.test"]]);
        second.Start();

        await Wait.UntilAsync(() => { lock (failures) { return failures.Count > 0; } }, TimeSpan.FromSeconds(30), "a failure diagnostic");
        Assert.That(failures[0].Code, Is.EqualTo(DiagnosticCodes.AcmeCaUnreachable));
        Assert.That(failures[0].Message, Does.Contain("keep.acme.test").And.Contain("previous certificate"));
        Assert.That(second.TryGetCertificate("keep.acme.test", out _), Is.True, "the stored certificate keeps serving");
    }

    private AcmeResolverOptions Options(PebbleServer pebble, bool httpChallenge)
    {
        var caFile = Path.Combine(_storage, "pebble-listener-ca.pem");
        File.WriteAllText(caFile, TestCertificates.CertificatePem(pebble.ListenerCa));
        return new AcmeResolverOptions
        {
            Name = "pebble",
            Email = "ops@acme.test",
            CaServer = pebble.DirectoryUrl.ToString(),
            Storage = Path.Combine(_storage, "acme"),
            HttpChallengeEntryPoint = httpChallenge ? "web" : null,
            TlsChallenge = !httpChallenge,
            CaCertificates = [caFile],
            InitialBackoff = TimeSpan.FromSeconds(30),
        };
    }

    private static AcmeCertificateManager Manager(AcmeResolverOptions options, AcmeChallengeStore store, PebbleServer pebble) =>
        new(options, new DirectoryAcmeStorage(options.Storage), store, AcmeCertificateManager.CreateHttpClient(options), NullLogger.Instance);
}
