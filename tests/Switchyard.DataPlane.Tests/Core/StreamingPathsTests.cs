using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>Every call shape through the three paths: h2c backend, https (h2) backend, and TLS-terminated at the gateway.</summary>
[CancelAfter(60_000)]
public class StreamingPathsTests
{
    private static X509Certificate2 _ca = null!;

    [OneTimeSetUp]
    public void MakeCa() => _ca = TestCertificates.CreateCa();

    [OneTimeTearDown]
    public void DisposeCa() => _ca.Dispose();

    [TestCase("h2c")]
    [TestCase("https-backend")]
    [TestCase("tls-terminated")]
    public async Task UnaryServerClientAndBidi_PassWithMetadataAndTrailers(string path)
    {
        using var backendCert = TestCertificates.IssueServer(_ca, "backend.test");
        await using var backend = await GrpcTestBackend.StartAsync("b1",
            path == "https-backend" ? new GrpcTestBackendOptions { Certificate = backendCert } : null);
        await using var gw = await Gateway.StartAsync();
        using var gatewayCert = TestCertificates.IssueServer(_ca, "api.test");

        var tlsRouter = path == "tls-terminated";
        var scheme = path == "https-backend" ? "https" : "h2c";
        var transports = new Dictionary<string, ServersTransportConfig>
        {
            ["default-backend"] = ServersTransportConfig.Default with { ServerName = "backend.test", RootCas = [Pem(_ca, withKey: false)] },
        };
        var tls = new TlsConfig(
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [KeyValuePair.Create("default-api", new TlsCertificate(["api.test"], Pem(gatewayCert, withKey: true)))]),
            TlsConfig.Empty.Stores, TlsConfig.Empty.Options);
        gw.Apply(Table(
            [Router("r", "svc", tls: tlsRouter ? new RouterTls(null, null, [], "default-api", null) : null)],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb(scheme, [backend.Address], transport: "default-backend") },
            transports, tls));

        GrpcChannel channel = tlsRouter ? gw.TlsChannel("api.test", _ca) : gw.Channel();
        var client = new Echo.EchoClient(channel);
        var metadata = new Metadata { { "x-test", path } };

        // Unary
        var unary = client.UnaryAsync(new EchoRequest { Message = "u" }, metadata);
        var reply = await unary;
        Assert.That(reply.Headers["x-test"], Is.EqualTo(path));
        Assert.That(reply.Headers["x-forwarded-proto"], Is.EqualTo(tlsRouter ? "https" : "http"));
        Assert.That((await unary.ResponseHeadersAsync).GetValue("x-backend"), Is.EqualTo("b1"));
        Assert.That(unary.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b1"));

        // Server streaming
        using (var stream = client.ServerStream(new StreamRequest { Message = "s", Count = 5 }, metadata))
        {
            var counts = new List<int>();
            await foreach (var m in stream.ResponseStream.ReadAllAsync())
            {
                counts.Add(m.Count);
            }

            Assert.That(counts, Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
            Assert.That(stream.GetTrailers().GetValue("x-trailer"), Is.EqualTo("stream-b1"));
        }

        // Client streaming
        using (var cs = client.ClientStream(metadata))
        {
            for (var i = 0; i < 10; i++)
            {
                await cs.RequestStream.WriteAsync(new EchoRequest { Message = "c" + i });
            }

            await cs.RequestStream.CompleteAsync();
            var r = await cs;
            Assert.That(r.Count, Is.EqualTo(10));
            Assert.That(r.Message, Is.EqualTo("c9"));
        }

        // Bidi: each message answered before the next is sent (true interleaving, not buffering).
        using (var bidi = client.Bidi(metadata))
        {
            for (var i = 1; i <= 5; i++)
            {
                await bidi.RequestStream.WriteAsync(new EchoRequest { Message = "b" + i });
                Assert.That(await bidi.ResponseStream.MoveNext(), Is.True);
                Assert.That(bidi.ResponseStream.Current.Count, Is.EqualTo(i));
            }

            await bidi.RequestStream.CompleteAsync();
            Assert.That(await bidi.ResponseStream.MoveNext(), Is.False);
            Assert.That(bidi.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        }

        // Status and message of a failing call.
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.PermissionDenied, FailMessage = "nope" }));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(ex.Status.Detail, Is.EqualTo("nope"));
    }
}
