using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Acme;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Acme;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Acme;

/// <summary>
/// certResolver end to end: the gateway's own `web` / `websecure` entry points answer pebble's HTTP-01 and
/// TLS-ALPN-01 challenges, the issued certificate is served by SNI, and gRPC calls run over it.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public class AcmeGatewayTests
{
    private const string Resolver = "pebble";

    [OneTimeSetUp]
    public void RequirePebble()
    {
        if (!PebbleServer.IsInstalled)
        {
            Assert.Ignore("pebble is not installed (scripts/setup.d/30-acme.sh installs it)");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task CertificateIsIssuedAndServedToGrpcCallers(bool httpChallenge)
    {
        await using var env = await Env.StartAsync(httpChallenge, renewEagerly: false);
        await Wait.UntilAsync(() => env.Manager.TryGetCertificate("b.acme.test", out _), TimeSpan.FromSeconds(60), "the issued certificate");

        foreach (var sni in new[] { "a.acme.test", "b.acme.test" })
        {
            X509Certificate2? served = null;
            using var channel = env.TlsChannel(sni, c => served = c);
            var reply = await new Echo.EchoClient(channel).UnaryAsync(new EchoRequest { Message = "over acme" });
            Assert.That(reply.Message, Is.EqualTo("over acme"));
            Assert.That(served, Is.Not.Null);
            var names = served!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
            Assert.That(names, Does.Contain(sni));
        }

        // The HTTP-01 path is answered before routers: an unknown token falls through to the catch-all route.
        Assert.That(env.Manager.OrdersCompleted, Is.EqualTo(1));
    }

    [Test]
    public async Task DefaultGeneratedCertIsOrderedAndServedForAnUnknownName()
    {
        await using var env = await Env.StartAsync(httpChallenge: false, renewEagerly: false, defaultGenerated: "default.acme.test");
        await Wait.UntilAsync(() => env.Manager.TryGetCertificate("default.acme.test", out _), TimeSpan.FromSeconds(60), "the default certificate");

        X509Certificate2? served = null;
        using var channel = env.TlsChannel("nobody.acme.test", c => served = c);
        // No router serves that host: the call itself fails after the handshake, which is what is looked at.
        await Assert.ThatAsync(async () => await new Echo.EchoClient(channel).UnaryAsync(new EchoRequest { Message = "x" }), Throws.InstanceOf<RpcException>());
        Assert.That(served, Is.Not.Null, "the handshake completed with a certificate chaining to the ACME CA");
        var names = served!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.That(names, Does.Contain("default.acme.test"));
    }

    [Test]
    public async Task RenewalReplacesTheCertificateWhileAStreamStaysOpen()
    {
        await using var env = await Env.StartAsync(httpChallenge: false, renewEagerly: true);
        await Wait.UntilAsync(() => env.Manager.TryGetCertificate("a.acme.test", out _), TimeSpan.FromSeconds(60), "the first certificate");

        X509Certificate2? first = null;
        using var streamChannel = env.TlsChannel("a.acme.test", c => first ??= c);
        using var stream = new Echo.EchoClient(streamChannel).ServerStream(new StreamRequest { Message = "s", Count = 40, IntervalMs = 100 });
        Assert.That(await stream.ResponseStream.MoveNext(), Is.True);
        Assert.That(first, Is.Not.Null);

        // New handshakes get the renewed certificate while the open stream keeps its connection.
        X509Certificate2? renewed = null;
        await Wait.UntilAsync(async () =>
        {
            X509Certificate2? seen = null;
            using var probe = env.TlsChannel("a.acme.test", c => seen = c);
            await new Echo.EchoClient(probe).UnaryAsync(new EchoRequest { Message = "probe" });
            renewed = seen;
            return seen is not null && seen.SerialNumber != first!.SerialNumber;
        }, TimeSpan.FromSeconds(60), "a handshake presenting a renewed certificate");

        var count = 1;
        while (await stream.ResponseStream.MoveNext())
        {
            count++;
        }

        Assert.That(count, Is.EqualTo(40), "the stream opened before the renewal completes");
        Assert.That(stream.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        Assert.That(renewed!.SerialNumber, Is.Not.EqualTo(first!.SerialNumber));
    }

    private sealed class Env : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];
        private string _storage = "";
        private X509Certificate2 _root = null!;

        public DataPlaneHost Host { get; private set; } = null!;

        public AcmeCertificateManager Manager { get; private set; } = null!;

        public static async Task<Env> StartAsync(bool httpChallenge, bool renewEagerly, string? defaultGenerated = null)
        {
            var env = new Env();
            var backend = await GrpcTestBackend.StartAsync("acme-backend");
            env._owned.Add(backend);
            var acme = new AcmeCertificates();
            env.Host = DataPlaneHost.Create(
            [
                new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
                new EntryPointOptions { Name = "websecure", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Tls = true },
            ], LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)), s => s.AddSingleton(acme));
            await env.Host.StartAsync();
            env._owned.Add(env.Host);

            var pebble = await PebbleServer.StartAsync(env.Host.Endpoint("web").Port, env.Host.Endpoint("websecure").Port);
            env._owned.Add(pebble);
            env._root = await pebble.GetIssuingRootAsync();

            var table = TestTables.Table(
            [
                TestTables.Router("secure", "svc", TestTables.Any, "Host(`a.acme.test`) || Host(`b.acme.test`)",
                    tls: new RouterTls(null, Resolver, [], null, null), entryPoints: ["websecure"]),
                // A catch-all on web: HTTP-01 must still be answered by the gateway, not routed here.
                TestTables.Router("catch-all", "svc", TestTables.Any, "PathPrefix(`/`)", entryPoints: ["web"]),
            ], new Dictionary<string, ServiceConfig> { ["svc"] = TestTables.Lb("h2c", [backend.Address]) },
                tls: defaultGenerated is null ? null : TlsConfig.Empty with
                {
                    // TLSStore default with defaultGeneratedCert { resolver, domain.main }.
                    Stores = TlsConfig.Empty.Stores.Add("default", new TlsStoreConfig(null, [], Resolver) { DefaultGeneratedDomains = [defaultGenerated] }),
                });
            env.Host.Tables.Swap(table);

            env._storage = Directory.CreateTempSubdirectory("acme-gw-").FullName;
            var caFile = Path.Combine(env._storage, "pebble-listener-ca.pem");
            await File.WriteAllTextAsync(caFile, TestCertificates.CertificatePem(pebble.ListenerCa));
            var options = new AcmeResolverOptions
            {
                Name = Resolver,
                CaServer = pebble.DirectoryUrl.ToString(),
                Storage = Path.Combine(env._storage, "store"),
                HttpChallengeEntryPoint = httpChallenge ? "web" : null,
                TlsChallenge = !httpChallenge,
                CaCertificates = [caFile],
                RenewBefore = renewEagerly ? TimeSpan.FromDays(365 * 100) : TimeSpan.FromDays(30),
                CheckInterval = renewEagerly ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromHours(1),
            };
            env.Manager = new AcmeCertificateManager(options, new DirectoryAcmeStorage(options.Storage), acme.Challenges,
                AcmeCertificateManager.CreateHttpClient(options), NullLogger.Instance);
            env._owned.Insert(0, env.Manager);
            acme.SetManagers([env.Manager]);
            env.Manager.SetDomainSets(AcmeDomains.FromTable(table).Sets[Resolver]);
            env.Manager.Start();
            return env;
        }

        /// <summary>h2 over TLS to websecure with this SNI, trusting pebble's issuing root only.</summary>
        public GrpcChannel TlsChannel(string sni, Action<X509Certificate2> seen) =>
            TlsChannels.Create(Host.Endpoint("websecure").Port, sni, _root, seen);

        public async ValueTask DisposeAsync()
        {
            foreach (var d in _owned)
            {
                await d.DisposeAsync();
            }

            if (_storage.Length > 0)
            {
                Directory.Delete(_storage, recursive: true);
            }
        }
    }
}
