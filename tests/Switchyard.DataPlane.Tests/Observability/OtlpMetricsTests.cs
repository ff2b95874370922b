using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tracing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Switchyard.TestKit.Observability;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>metrics.otlp: the series pushed over real OTLP/gRPC to a receiver the test runs.</summary>
[CancelAfter(60_000)]
public class OtlpMetricsTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task RouterCounters_ArePushedWithTraefiksNamesAndLabels_WithoutAPrometheusEndpoint()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: new MetricsOptions
        {
            EntryPoint = "",
            AddRoutersLabels = true,
            Otlp = new OtlpMetricsOptions { Protocol = OtlpProtocol.Grpc, Endpoint = receiver.Address, PushInterval = TimeSpan.FromMilliseconds(100) },
        });
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        await gw.Client().UnaryAsync(new EchoRequest { Message = "again" });

        var routed = await receiver.NextPointAsync(p => p.Metric == "traefik_router_requests_total" && p.Value == 2, ExportWait);
        var service = await receiver.NextPointAsync(p => p.Metric == "traefik_service_requests_total" && p.Value == 2, ExportWait);
        var up = await receiver.NextPointAsync(p => p.Metric == "traefik_service_server_up", ExportWait);
        Assert.Multiple(() =>
        {
            Assert.That(routed.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["code"] = "0", ["method"] = "POST", ["protocol"] = "grpc", ["router"] = "default-echo", ["service"] = "default-echo-80",
            }), "a gRPC call's code is its grpc-status, as on /metrics");
            Assert.That(service.Attributes["service"], Is.EqualTo("default-echo-80"));
            Assert.That(up.Value, Is.EqualTo(1));
            Assert.That(up.Attributes["service"], Is.EqualTo("default-echo-80"));
        });
    }

    [Test]
    public async Task DurationHistograms_ArePushedWithExplicitBoundaries_WhileTheScrapeKeepsThePrometheusBuckets()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: new MetricsOptions
        {
            EntryPoint = "admin",
            Buckets = [0.5, 2],
            AddRoutersLabels = true,
            Otlp = new OtlpMetricsOptions
            {
                Protocol = OtlpProtocol.Grpc, Endpoint = receiver.Address, PushInterval = TimeSpan.FromMilliseconds(100), ExplicitBoundaries = [0.25, 4, 60],
            },
        });
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        await gw.Client().UnaryAsync(new EchoRequest { Message = "again" });

        var routed = await receiver.NextHistogramAsync(h => h.Metric == "traefik_router_request_duration_seconds" && h.Count == 2, ExportWait);
        var service = await receiver.NextHistogramAsync(h => h.Metric == "traefik_service_request_duration_seconds" && h.Count == 2, ExportWait);
        var entry = await receiver.NextHistogramAsync(h => h.Metric == "traefik_entrypoint_request_duration_seconds" && h.Count == 2, ExportWait);
        var text = await MetricsTests.ScrapeAsync(gw);
        const string Labels = "code=\"0\",method=\"POST\",protocol=\"grpc\",router=\"default-echo\",service=\"default-echo-80\"";
        Assert.Multiple(() =>
        {
            Assert.That(routed.Bounds, Is.EqualTo(new[] { 0.25, 4, 60 }), "explicitBoundaries");
            Assert.That(routed.BucketCounts, Has.Count.EqualTo(4), "one bucket per bound and +Inf");
            Assert.That(routed.BucketCounts.Aggregate(0UL, (a, b) => a + b), Is.EqualTo(2UL));
            Assert.That(routed.Sum, Is.GreaterThan(0));
            Assert.That(routed.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["code"] = "0", ["method"] = "POST", ["protocol"] = "grpc", ["router"] = "default-echo", ["service"] = "default-echo-80",
            }));
            Assert.That(service.Bounds, Is.EqualTo(new[] { 0.25, 4, 60 }));
            Assert.That(service.Attributes["service"], Is.EqualTo("default-echo-80"));
            Assert.That(entry.Attributes["entrypoint"], Is.EqualTo("web"));
            // The scrape's histograms keep prometheus.buckets.
            Assert.That(MetricsTests.Value(text, "traefik_router_request_duration_seconds_bucket", Labels + ",le=\"0.5\""), Is.GreaterThanOrEqualTo(0));
            Assert.That(MetricsTests.Value(text, "traefik_router_request_duration_seconds_bucket", Labels + ",le=\"2\""), Is.GreaterThanOrEqualTo(0));
            Assert.That(MetricsTests.Value(text, "traefik_router_request_duration_seconds_bucket", Labels + ",le=\"+Inf\""), Is.EqualTo(2));
            Assert.That(text, Does.Not.Contain("le=\"0.25\"").And.Not.Contain("le=\"60\""), "explicitBoundaries are OTLP's only");
        });
    }

    [Test]
    public async Task DurationHistograms_TakeTraefiksDefaultBoundaries()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: new MetricsOptions
        {
            EntryPoint = "",
            Otlp = new OtlpMetricsOptions { Protocol = OtlpProtocol.Grpc, Endpoint = receiver.Address, PushInterval = TimeSpan.FromMilliseconds(100) },
        });
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });

        var entry = await receiver.NextHistogramAsync(h => h.Metric == "traefik_entrypoint_request_duration_seconds" && h.Count == 1, ExportWait);
        Assert.Multiple(() =>
        {
            // Traefik's OTLP.SetDefaults (pkg/observability/types/metrics.go).
            Assert.That(entry.Bounds, Is.EqualTo(new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 }));
            Assert.That(entry.BucketCounts, Has.Count.EqualTo(15));
            Assert.That(entry.Attributes, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["code"] = "0", ["method"] = "POST", ["protocol"] = "grpc", ["entrypoint"] = "web",
            }));
        });
    }
}
