using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tracing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Switchyard.TestKit.Observability;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// otlp.*.tls: spans and metrics exported over OTLP/gRPC to a receiver serving TLS with a certificate of a CA made in
/// the test, and asking for a client certificate (mutual TLS); an untrusted collector gets nothing.
/// </summary>
[CancelAfter(60_000)]
public class OtlpTlsTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Spans_ReachACollectorSignedByTheConfiguredCa_WithTheClientCertificate()
    {
        using var ca = TestCertificates.CreateCa("OTLP Test CA");
        using var serverCert = TestCertificates.IssueServer(ca, "collector.test");
        using var clientCert = TestCertificates.IssueClient(ca, "switchyard-exporter");
        await using var receiver = await OtlpReceiver.StartAsync(serverCert, clientCa: ca);
        await using var gw = await TracedGateway(receiver, new OtlpClientTls { RootCas = [ca], ClientCertificate = clientCert });

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });

        var span = await receiver.NextAsync(s => s.Span.Name == "POST", ExportWait);
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Address.Scheme, Is.EqualTo("https"));
            Assert.That(span.Text("rpc.method"), Is.EqualTo("Unary"));
            Assert.That(receiver.ClientSubjects, Does.Contain("CN=switchyard-exporter"), "mutual TLS: the exporter showed its certificate");
        });
    }

    [Test]
    public async Task Metrics_ReachATlsCollector_WithInsecureSkipVerify()
    {
        // A self-signed certificate no root vouches for: only insecureSkipVerify lets the push through.
        using var serverCert = TestCertificates.SelfSigned("collector.test");
        await using var receiver = await OtlpReceiver.StartAsync(serverCert);
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: new MetricsOptions
        {
            EntryPoint = "",
            Otlp = new OtlpMetricsOptions
            {
                Protocol = OtlpProtocol.Grpc,
                Endpoint = receiver.Address,
                PushInterval = TimeSpan.FromMilliseconds(100),
                Tls = new OtlpClientTls { InsecureSkipVerify = true },
            },
        });
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });

        var point = await receiver.NextPointAsync(p => p.Metric == "traefik_service_requests_total" && p.Value == 1, ExportWait);
        Assert.That(point.Attributes["service"], Is.EqualTo("default-echo-80"));
    }

    [Test]
    public async Task ACollectorOfAnotherCa_GetsNoSpan()
    {
        using var ca = TestCertificates.CreateCa("OTLP Test CA");
        using var otherCa = TestCertificates.CreateCa("Someone Else's CA");
        using var serverCert = TestCertificates.IssueServer(otherCa, "collector.test");
        await using var receiver = await OtlpReceiver.StartAsync(serverCert);
        await using var gw = await TracedGateway(receiver, new OtlpClientTls { RootCas = [ca] });

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });

        // The exporter tried (its connection reached the receiver and was closed by the refused handshake) ...
        await Wait.UntilAsync(() => receiver.ConnectionsEnded > 0, ExportWait, "the exporter connected to the collector");
        // ... and nothing was exported over it.
        Assert.That(receiver.Received, Is.Empty);
    }

    private static async Task<TracedTlsGateway> TracedGateway(OtlpReceiver receiver, OtlpClientTls tls)
    {
        var backend = await GrpcTestBackend.StartAsync("b1");
        var gateway = await Gateway.StartAsync(tracing: new TracingOptions
        {
            Endpoint = receiver.Address,
            ExportDelay = TimeSpan.FromMilliseconds(50),
            Tls = tls,
        });
        gateway.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        return new TracedTlsGateway(gateway, backend);
    }

    private sealed class TracedTlsGateway(Gateway gateway, GrpcTestBackend backend) : IAsyncDisposable
    {
        public Echo.EchoClient Client() => gateway.Client();

        public async ValueTask DisposeAsync()
        {
            await gateway.DisposeAsync();
            await backend.DisposeAsync();
        }
    }
}
