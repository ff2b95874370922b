using System.Collections.Immutable;
using System.Net.Http;
using Switchyard.Routing.Table;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// A service node's own middlewares get their middleware spans on the calls of a detailed router (Traefik wraps every
/// middleware it builds, router's or service's, with observability.WrapMiddleware), under the Service span.
/// </summary>
[CancelAfter(60_000)]
public class ServiceMiddlewareSpanTests
{
    [Test]
    public async Task ADetailedRoutersCall_RecordsTheServiceMiddlewareSpan_UnderTheServiceSpan()
    {
        await using var setup = await TracedEcho.StartAsync(
            backend => Table(
                [Router("default-api", "default-api-80", rule: "PathPrefix(`/x`)")
                    with { Observability = new ObservabilitySwitches(null, null, null, "detailed") }],
                new Dictionary<string, ServiceConfig>
                {
                    ["default-api-80"] = Lb("h2c", [backend]) with { Middlewares = ImmutableArray.Create("default-svc-prefix") },
                },
                middlewares: new Dictionary<string, MiddlewareConfig> { ["default-svc-prefix"] = new AddPrefixConfig("/plain") }));
        const string traceId = "7bf92f3577b34da6a3ce929d0e0e4736";
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/x");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await client.SendAsync(request);
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"), "the service's addPrefix made /x into /plain/x");

        var spans = await setup.Receiver.CollectAsync(s => s.TraceId == traceId, 5, TimeSpan.FromSeconds(30));
        var byName = spans.ToDictionary(s => s.Span.Name);
        Assert.That(byName.Keys, Is.EquivalentTo(new[] { "GET", "Router", "Service", "AddPrefix", "ReverseProxy" }));
        Assert.Multiple(() =>
        {
            Assert.That(byName["AddPrefix"].ParentSpanId, Is.EqualTo(byName["Service"].SpanId));
            Assert.That(byName["ReverseProxy"].ParentSpanId, Is.EqualTo(byName["AddPrefix"].SpanId));
            Assert.That(byName["AddPrefix"].Text("traefik.middleware.name"), Is.EqualTo("default-svc-prefix"));
        });
    }
}
