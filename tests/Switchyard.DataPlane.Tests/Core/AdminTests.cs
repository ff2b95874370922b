using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>The gateway's own health on the admin entry point (HTTP/1.1 probes and h2c gRPC on one port).</summary>
[CancelAfter(30_000)]
public class AdminTests
{
    [Test]
    public async Task Readiness_AndGrpcHealth_FollowTheFirstTable()
    {
        await using var gw = await Gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gw.Admin.Port}") };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{gw.Admin.Port}");
        var health = new Health.HealthClient(channel);

        using (var alive = await http.GetAsync("/healthz"))
        using (var ping = await http.GetAsync("/ping"))
        using (var notReady = await http.GetAsync("/readyz"))
        {
            Assert.That(alive.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await ping.Content.ReadAsStringAsync(), Is.EqualTo("OK"));
            Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }

        var before = await health.CheckAsync(new HealthCheckRequest());
        Assert.That(before.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));

        gw.Apply(RoutingTable.Empty with { Routers = [TestTables.Router("r", "svc")] });

        using (var ready = await http.GetAsync("/readyz"))
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var after = await health.CheckAsync(new HealthCheckRequest { Service = "switchyard" });
        Assert.That(after.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public async Task Requests_past_the_probe_answers_get_endpoint_routings_answers()
    {
        // GET of the probe paths is answered without endpoint routing; everything else still goes through it.
        await using var gw = await Gateway.StartAsync();
        gw.Apply(RoutingTable.Empty with { Routers = [TestTables.Router("r", "svc")] });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gw.Admin.Port}") };

        using (var post = await http.PostAsync("/readyz", new StringContent("")))
        using (var upper = await http.GetAsync("/READYZ"))
        using (var slash = await http.GetAsync("/healthz/"))
        using (var unknown = await http.GetAsync("/nothing-here"))
        using (var metrics = await http.GetAsync("/metrics"))
        {
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(upper.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await upper.Content.ReadAsStringAsync(), Is.EqualTo("ready\n"));
            Assert.That(slash.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "metrics are off");
        }

        // The fast path and the routed one answer alike, in either order.
        using (var ready = await http.GetAsync("/readyz"))
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ready.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; charset=utf-8"));
        }
    }
}
