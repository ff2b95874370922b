using Switchyard.DataPlane.Metrics;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Switchyard.TestKit.Observability;
using Switchyard.DataPlane.Tests.Core;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// The admin entry point's /metrics as a real Prometheus server sees it (Debian's prometheus scraping every second,
/// read back through its query API), checked by promtool.
/// </summary>
[CancelAfter(120_000)]
public class PrometheusScrapeTests
{
    private static readonly MetricsOptions AllLabels = new() { EntryPoint = "admin", AddRoutersLabels = true };

    [Test]
    public async Task ARealPrometheus_ScrapesTheAdminEntryPoint_AndReadsACounterBack()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();
        for (var i = 0; i < 3; i++)
        {
            await client.UnaryAsync(new EchoRequest { Message = "hi" });
        }

        await using var prometheus = await PrometheusServer.StartAsync(gw.Admin);
        double? value = null;
        await Wait.UntilAsync(async () =>
        {
            value = await prometheus.QueryAsync("sum(traefik_service_requests_total{service=\"default-echo-80\",protocol=\"grpc\"})");
            return value is not null;
        }, TimeSpan.FromSeconds(60), "prometheus to have scraped the counter");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(value, Is.EqualTo(3));
            Assert.That(await prometheus.TargetHealthAsync(), Is.EqualTo("up"));
            Assert.That(await prometheus.QueryAsync("switchyard_grpc_responses_total{router=\"default-echo\",grpc_status=\"0\"}"), Is.EqualTo(3));
            Assert.That(await prometheus.QueryAsync("traefik_service_server_up{service=\"default-echo-80\"}"), Is.EqualTo(1));
        });
    }

    /// <summary>
    /// Every query of the chart's Grafana dashboard (charts/switchyard/dashboards/grpc.json) returns series from a
    /// real Prometheus scraping a real gateway that served OK and failing gRPC calls: the names and labels match.
    /// </summary>
    [Test]
    public async Task EveryGrafanaDashboardQuery_ReturnsSeries_FromARealPrometheus()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();
        async Task CallsAsync()
        {
            await client.UnaryAsync(new EchoRequest { Message = "hi" });
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.UnaryAsync(new EchoRequest { FailWithStatus = 5 }));
        }

        // Calls before and after Prometheus' first scrape, so rate() sees the counters grow.
        await CallsAsync();
        await using var prometheus = await PrometheusServer.StartAsync(gw.Admin);
        await Wait.UntilAsync(async () => await prometheus.QueryAsync("switchyard_grpc_responses_total{grpc_status=\"5\"}") is not null,
            TimeSpan.FromSeconds(60), "the first scrape");
        await CallsAsync();
        await Wait.UntilAsync(async () => await prometheus.QueryAsync("switchyard_grpc_responses_total{grpc_status=\"5\"}") == 2,
            TimeSpan.FromSeconds(60), "the scrape after the second calls");

        var queries = GrafanaDashboard.Queries(GrafanaDashboard.Load("grpc.json"), "1m");
        var empty = new List<string>();
        foreach (var q in queries)
        {
            if (await prometheus.QueryAsync(q.Expr) is null) empty.Add($"panel {q.PanelId} \"{q.Panel}\" {q.RefId}: {q.Expr}");
        }

        Assert.That(empty, Is.Empty, "dashboard queries without a series");
        var calls = queries.Single(q => q.Panel == "gRPC calls/s");
        var errors = queries.Single(q => q.Panel == "gRPC error ratio");
        Assert.That(await prometheus.QueryAsync(calls.Expr), Is.GreaterThan(0));
        Assert.That(await prometheus.QueryAsync(errors.Expr), Is.InRange(0.01, 0.99), "half the calls failed");
    }

    [Test]
    public async Task PromtoolCheckMetrics_IsClean()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{gw.Admin.Port}/metrics");

        var (exit, output) = await PrometheusServer.CheckMetricsAsync(text);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty, "no lint findings");
    }
}
