using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.MetricsTests;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// Issue 18.3: series follow the table (routers and services that left it disappear), server health as
/// traefik_service_server_up, body byte counters, reload failures, and a router's observability.metrics switch.
/// </summary>
[CancelAfter(60_000)]
public class MetricsSeriesTests
{
    private static readonly MetricsOptions AllLabels = new() { EntryPoint = "admin", AddRoutersLabels = true };

    [Test]
    public async Task SeriesOfRoutersAndServicesThatLeftTheTable_AreRemoved_AndServerUpFollowsHealth()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        var closed = TestKit.Acme.PebbleServer.FreePort(); // nothing listens there
        gw.Apply(Table([Router("old-router", "old-svc", PathPrefix("/switchyard.test.Echo"))],
            new Dictionary<string, ServiceConfig> { ["old-svc"] = Lb("h2c", [backend.Address]) }));
        await gw.Client().UnaryAsync(new EchoRequest());
        string before = "";
        await Wait.UntilAsync(async () => Value(before = await ScrapeAsync(gw), "traefik_service_requests_total",
            "code=\"0\",method=\"POST\",protocol=\"grpc\",service=\"old-svc\"") == 1, TimeSpan.FromSeconds(10), "the old service's call counted");
        Assert.That(before, Does.Contain("router=\"old-router\"").And.Contain($"traefik_service_server_up{{service=\"old-svc\",url=\"h2c://127.0.0.1:{backend.Port}\"}} 1\n"));

        // The new table has another router and a service whose only server refuses connections (active check).
        var health = new HealthCheckConfig("grpc", null, "/", "GET", 0, null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(1), null, true, ImmutableSortedDictionary<string, string>.Empty, null);
        gw.Apply(Table([Router("new-router", "new-svc")],
            new Dictionary<string, ServiceConfig>
            {
                ["new-svc"] = new LoadBalancerService([new ServerConfig("127.0.0.1", closed)], BalancerStrategy.Wrr, ServerScheme.H2c, true, "default",
                    TimeSpan.FromMilliseconds(100), null, health, null),
            }));
        string after = "";
        await Wait.UntilAsync(async () =>
        {
            after = await ScrapeAsync(gw);
            return after.Contains($"traefik_service_server_up{{service=\"new-svc\",url=\"h2c://127.0.0.1:{closed}\"}} 0\n", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "the refused server to be down");
        Assert.Multiple(() =>
        {
            Assert.That(after, Does.Not.Contain("old-router").And.Not.Contain("old-svc"), "series of the old router and service are gone");
            Assert.That(Value(after, "traefik_config_reloads_total", ""), Is.EqualTo(2));
            Assert.That(Value(after, "traefik_config_reloads_failure_total", ""), Is.Zero);
        });
    }

    [Test]
    public async Task RequestAndResponseBodies_AreCountedInBytes_OnEntryPointRouterAndService()
    {
        var answer = new string('a', 1234);
        await using var backend = await GrpcTestBackend.StartAsync("http", new GrpcTestBackendOptions
        {
            Http1Only = true,
            Configure = app => app.MapPost("/upload", async (HttpContext ctx) =>
            {
                using var reader = new StreamReader(ctx.Request.Body);
                await reader.ReadToEndAsync();
                await ctx.Response.WriteAsync(answer);
            }),
        });
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("up", "up-svc")], new Dictionary<string, ServiceConfig> { ["up-svc"] = Lb("http", [backend.Address]) }));
        using var http = new HttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var response = await http.PostAsync($"http://127.0.0.1:{gw.Web.Port}/upload", new StringContent(new string('q', 500), Encoding.ASCII));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(answer));
        }

        const string cell = "code=\"200\",method=\"POST\",protocol=\"http\"";
        string text = "";
        await Wait.UntilAsync(async () => Value(text = await ScrapeAsync(gw), "traefik_service_requests_total", cell + ",service=\"up-svc\"") == 2,
            TimeSpan.FromSeconds(10), "both calls counted");
        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "traefik_entrypoint_requests_bytes_total", cell + ",entrypoint=\"web\""), Is.EqualTo(1000));
            Assert.That(Value(text, "traefik_entrypoint_responses_bytes_total", cell + ",entrypoint=\"web\""), Is.EqualTo(2468));
            Assert.That(Value(text, "traefik_router_requests_bytes_total", cell + ",router=\"up\",service=\"up-svc\""), Is.EqualTo(1000));
            Assert.That(Value(text, "traefik_router_responses_bytes_total", cell + ",router=\"up\",service=\"up-svc\""), Is.EqualTo(2468));
            Assert.That(Value(text, "traefik_service_requests_bytes_total", cell + ",service=\"up-svc\""), Is.EqualTo(1000));
            Assert.That(Value(text, "traefik_service_responses_bytes_total", cell + ",service=\"up-svc\""), Is.EqualTo(2468));
        });
    }

    [Test]
    public async Task ARouterWithObservabilityMetricsOff_IsInNoSeries_ItsNeighbourIs()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        var quiet = Router("quiet", "quiet-svc", Host("quiet.test"), priority: 2) with { Observability = new ObservabilitySwitches(null, false, null, null) };
        gw.Apply(Table([quiet, Router("loud", "loud-svc")], new Dictionary<string, ServiceConfig>
        {
            ["quiet-svc"] = Lb("h2c", [backend.Address]),
            ["loud-svc"] = Lb("h2c", [backend.Address]),
        }));
        using var http = new HttpClient();
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/") { Headers = { Host = "quiet.test" } })
        using (await http.SendAsync(request))
        {
        }

        using (await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/"))
        {
        }

        string text = "";
        await Wait.UntilAsync(async () => (text = await ScrapeAsync(gw)).Contains("service=\"loud-svc\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the loud router's call counted");
        Assert.Multiple(() =>
        {
            // Only its server's health remains (traefik_service_server_up is about the service, as in Traefik).
            Assert.That(text.Split('\n').Where(l => l.Contains("quiet", StringComparison.Ordinal) && !l.StartsWith("traefik_service_server_up{", StringComparison.Ordinal)),
                Is.Empty, "no request series of the router with metrics off");
            // Traefik switches the entry point's metrics handler off for that router's requests too: one call, not two.
            Assert.That(text.Split('\n').Where(l => l.StartsWith("traefik_entrypoint_requests_total{", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AReloadFailure_IsCounted_WithItsTime()
    {
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        gw.Host.Metrics!.OnReloadFailed();
        var text = await ScrapeAsync(gw);
        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "traefik_config_reloads_failure_total", ""), Is.EqualTo(1));
            Assert.That(Value(text, "traefik_config_last_reload_failure", ""), Is.GreaterThanOrEqualTo(Math.Floor(before)));
            Assert.That(text, Does.Contain("# TYPE traefik_config_reloads_failure_total counter"));
        });
    }
}
