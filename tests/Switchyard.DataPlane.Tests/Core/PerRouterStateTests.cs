using System.Net;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// Traefik builds each middleware once per router: two routers naming the same stateful Middleware have separate
/// state, and each router keeps its own across table swaps.
/// </summary>
[CancelAfter(60_000)]
public class PerRouterStateTests
{
    [Test]
    public async Task TwoRoutersSharingOneRateLimit_EachGetTheFullBudget_KeptAcrossSwaps()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync();
        // A budget of 3 calls per client; the refill (1 per hour) cannot happen during the test.
        var limit = new RateLimitConfig(1, TimeSpan.FromHours(1), 3, SourceCriterionConfig.RemoteAddress);
        RoutingTable Build(string marker) => Table(
            [
                Router("a", "svc", PathPrefix("/a"), middlewares: ["default-shared-limit"]),
                Router("b", "svc", PathPrefix("/b"), middlewares: ["default-shared-limit"]),
            ],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) with { ServersTransport = marker } },
            transports: new Dictionary<string, ServersTransportConfig> { [marker] = ServersTransportConfig.Default },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-shared-limit"] = limit });
        gw.Apply(Build("first"));
        using var http = new HttpClient();

        async Task<int[]> CallsAsync(string path, int count)
        {
            var statuses = new int[count];
            for (var i = 0; i < count; i++)
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{gw.Web.Port}{path}"));
                statuses[i] = (int)response.StatusCode;
            }

            return statuses;
        }

        var a = await CallsAsync("/a", 4);
        var b = await CallsAsync("/b", 4);
        // A new table (the service changed, the middleware did not): each router's bucket is still its own and still spent.
        gw.Apply(Build("second"));
        var aAfter = await CallsAsync("/a", 1);
        var bAfter = await CallsAsync("/b", 1);

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(new[] { 200, 200, 200, 429 }), "router a: its own budget of 3");
            Assert.That(b, Is.EqualTo(new[] { 200, 200, 200, 429 }), "router b: a full budget too, a's calls did not spend it");
            Assert.That(aAfter, Is.EqualTo(new[] { 429 }), "state kept across the swap");
            Assert.That(bAfter, Is.EqualTo(new[] { 429 }));
        });
    }
}
