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
}
