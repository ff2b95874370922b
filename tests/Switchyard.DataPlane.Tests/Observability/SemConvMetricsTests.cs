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
/// metrics.otlp also pushes Traefik's semantic-convention histograms (pkg/middlewares/observability/semconv.go,
/// pkg/proxy/httputil/observability.go): http.server.request.duration per call, http.client.request.duration per
/// attempt, to a real OTLP/gRPC receiver.
/// </summary>
[CancelAfter(60_000)]
public class SemConvMetricsTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    private static MetricsOptions Otlp(OtlpReceiver receiver) => new()
    {
        EntryPoint = "",
        Otlp = new OtlpMetricsOptions
        {
            Protocol = OtlpProtocol.Grpc, Endpoint = receiver.Address, PushInterval = TimeSpan.FromMilliseconds(100), ExplicitBoundaries = [0.25, 4, 60],
        },
    };

    [Test]
    public async Task ServerAndClientDurations_CarryTraefiksAttributes_BucketedByExplicitBoundaries()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: Otlp(receiver));
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        await gw.Client().UnaryAsync(new EchoRequest { Message = "again" });

        var server = await receiver.NextHistogramAsync(h => h.Metric == "http.server.request.duration" && h.Count == 2, ExportWait);
        var client = await receiver.NextHistogramAsync(h => h.Metric == "http.client.request.duration" && h.Count == 2, ExportWait);
        Assert.Multiple(() =>
        {
            Assert.That(server.Bounds, Is.EqualTo(new[] { 0.25, 4, 60 }), "explicitBoundaries");
            Assert.That(server.BucketCounts.Aggregate(0UL, (a, b) => a + b), Is.EqualTo(2UL));
            // Go's net/http gives Traefik an HTTP/2 request as "HTTP/2.0", which its Proto() leaves as it is.
            Assert.That(server.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["http.request.method"] = "POST", ["http.response.status_code"] = "200", ["url.scheme"] = "http",
                ["network.protocol.name"] = "http/2.0", ["network.protocol.version"] = "HTTP/2.0", ["server.address"] = $"127.0.0.1:{gw.Web.Port}",
            }));
            Assert.That(client.Bounds, Is.EqualTo(new[] { 0.25, 4, 60 }));
            // Traefik's proxy marks every outgoing request HTTP/1.1; server.address is the server URL's host:port.
            Assert.That(client.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["http.request.method"] = "POST", ["http.response.status_code"] = "200", ["url.scheme"] = "http",
                ["network.protocol.name"] = "http/1.1", ["network.protocol.version"] = "1.1",
                ["server.address"] = $"{backend.Address.Host}:{backend.Port}", ["server.port"] = backend.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
        });
    }

    [Test]
    public async Task AnUnroutedCallIsMeasuredWithItsErrorType_ARouterWithMetricsOffIsNot()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: Otlp(receiver));
        var quiet = Router("quiet", "quiet-svc", Host("quiet.test")) with { Observability = new ObservabilitySwitches(null, false, null, null) };
        gw.Apply(Table([quiet], new Dictionary<string, ServiceConfig> { ["quiet-svc"] = Lb("h2c", [backend.Address]) }));
        using var http = new HttpClient();
        foreach (var host in (string[])["quiet.test", "other.test"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/") { Headers = { Host = host } };
            using var response = await http.SendAsync(request);
        }

        var missed = await receiver.NextHistogramAsync(h => h.Metric == "http.server.request.duration" && h.Attributes.GetValueOrDefault("server.address") == "other.test", ExportWait);
        // Later exports repeat every series (cumulative): one more push shows all there is.
        var next = await receiver.NextHistogramAsync(h => h.Metric == "http.server.request.duration", ExportWait);
        var seen = new List<ReceivedHistogram> { missed, next };
        while (seen.Count < 10 && await TryNextAsync(receiver) is { } h)
        {
            seen.Add(h);
        }

        Assert.Multiple(() =>
        {
            Assert.That(missed.Count, Is.EqualTo(1UL));
            Assert.That(missed.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["http.request.method"] = "GET", ["http.response.status_code"] = "404", ["error.type"] = "404", ["url.scheme"] = "http",
                ["network.protocol.name"] = "http/1.1", ["network.protocol.version"] = "1.1", ["server.address"] = "other.test",
            }));
            Assert.That(seen.Where(h => h.Attributes.GetValueOrDefault("server.address") == "quiet.test"), Is.Empty, "the router with metrics off");
            Assert.That(seen.Where(h => h.Metric == "http.client.request.duration"), Is.Empty, "its attempt neither");
        });
    }

    private static async Task<ReceivedHistogram?> TryNextAsync(OtlpReceiver receiver)
    {
        try
        {
            return await receiver.NextHistogramAsync(_ => true, TimeSpan.FromMilliseconds(500));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
