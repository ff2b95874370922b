using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit.Observability;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// Traefik's span tree (entry point → Router → each middleware → Service → ReverseProxy), its attributes, and the
/// per-router switches, from real HTTP calls through a real gateway to a real OTLP/gRPC receiver.
/// </summary>
[CancelAfter(60_000)]
public class TracingSpanTreeTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task DetailedRouter_ExportsTraefiksSpanTree_WithCapturedHeadersRedactedQueryAndBaggage()
    {
        await using var setup = await TracedEcho.StartAsync(
            backend => Table(
                [Router("default-api", "default-api-80", rule: "PathPrefix(`/x`)", middlewares: ["default-prefix@kubernetescrd"])
                    with { Observability = new ObservabilitySwitches(null, null, null, "detailed") }],
                new Dictionary<string, ServiceConfig> { ["default-api-80"] = Lb("h2c", [backend]) },
                middlewares: new Dictionary<string, MiddlewareConfig> { ["default-prefix@kubernetescrd"] = new AddPrefixConfig("/plain") }),
            o => o with { CapturedRequestHeaders = ["X-Request-Id", "User-Agent"], CapturedResponseHeaders = ["x-answer"], SafeQueryParams = ["user"] });
        const string traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/x?user=alice&token=s3cret");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Add("baggage", "tenant=acme");
        request.Headers.Add("X-Request-Id", "r-1");
        using var response = await client.SendAsync(request);
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"));

        var spans = await setup.Receiver.CollectAsync(s => s.TraceId == traceId, 5, ExportWait);
        var byName = spans.ToDictionary(s => s.Span.Name);
        Assert.That(byName.Keys, Is.EquivalentTo(new[] { "GET", "Router", "AddPrefix", "Service", "ReverseProxy" }));
        var (entry, router, prefix, service, proxy) = (byName["GET"], byName["Router"], byName["AddPrefix"], byName["Service"], byName["ReverseProxy"]);
        Assert.Multiple(() =>
        {
            Assert.That(entry.ParentSpanId, Is.EqualTo("00f067aa0ba902b7"));
            Assert.That(router.ParentSpanId, Is.EqualTo(entry.SpanId));
            Assert.That(prefix.ParentSpanId, Is.EqualTo(router.SpanId));
            Assert.That(service.ParentSpanId, Is.EqualTo(prefix.SpanId));
            Assert.That(proxy.ParentSpanId, Is.EqualTo(service.SpanId));
            Assert.That(new[] { router, prefix, service }.Select(s => s.Span.Kind), Has.All.EqualTo(1), "SPAN_KIND_INTERNAL");

            Assert.That(entry.Text("url.path"), Is.EqualTo("/x"));
            Assert.That(entry.Text("url.query"), Is.EqualTo("token=REDACTED&user=alice"), "values not in safeQueryParams are redacted");
            Assert.That(entry.Text("http.request.header.x-request-id"), Is.EqualTo("r-1"));
            Assert.That(entry.Attribute("http.request.header.user-agent"), Is.Null, "User-Agent is user_agent.original already");
            Assert.That(entry.Text("http.response.header.x-answer"), Is.EqualTo("42"));
            Assert.That(entry.Text("client.address"), Is.EqualTo("127.0.0.1"));
            Assert.That(entry.Text("network.protocol.version"), Is.EqualTo("1.1"));
            Assert.That(entry.Attribute("http.response.status_code")?.IntValue, Is.EqualTo(200));

            Assert.That(router.Text("traefik.router.name"), Is.EqualTo("default-api"));
            Assert.That(router.Text("traefik.service.name"), Is.EqualTo("default-api-80"));
            Assert.That(router.Text("http.route"), Is.EqualTo("PathPrefix(`/x`)"));
            Assert.That(prefix.Text("traefik.middleware.name"), Is.EqualTo("default-prefix@kubernetescrd"));
            Assert.That(service.Text("traefik.service.name"), Is.EqualTo("default-api-80"));

            Assert.That(proxy.Text("url.full"), Is.EqualTo($"http://127.0.0.1:{setup.Backend.Port}/plain/x?token=REDACTED&user=alice"));
            Assert.That(proxy.Attribute("server.port")?.IntValue, Is.EqualTo((long)setup.Backend.Port));
            Assert.That(proxy.Text("http.request.header.x-request-id"), Is.EqualTo("r-1"));
            Assert.That(proxy.Text("http.response.header.x-answer"), Is.EqualTo("42"));

            Assert.That(setup.Traceparents, Is.EquivalentTo(new[] { $"00-{traceId}-{proxy.SpanId}-01" }));
            Assert.That(setup.Baggage, Is.EquivalentTo(new[] { "tenant=acme" }), "W3C baggage reaches the backend");
        });
    }

    [Test]
    public async Task RouterWithTracingOff_ExportsNothing_AndTheBackendGetsTheCallersTraceparent()
    {
        await using var setup = await TracedEcho.StartAsync(backend => Table(
            [
                Router("default-quiet", "default-api-80", PathPrefix("/plain/quiet"), "PathPrefix(`/plain/quiet`)")
                    with { Observability = new ObservabilitySwitches(null, null, Tracing: false, null) },
                Router("default-loud", "default-api-80", PathPrefix("/plain/loud"), "PathPrefix(`/plain/loud`)"),
            ],
            new Dictionary<string, ServiceConfig> { ["default-api-80"] = Lb("h2c", [backend]) }));
        const string quietTrace = "6bf92f3577b34da6a3ce929d0e0e4736";
        const string quietParent = $"00-{quietTrace}-00f067aa0ba902b7-01";
        using var client = new HttpClient();
        using (var quiet = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/quiet"))
        {
            quiet.Headers.Add("traceparent", quietParent);
            (await client.SendAsync(quiet)).Dispose();
        }

        // The traced call after it: once its span is here, anything the quiet call exported would be too.
        (await client.GetAsync($"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/loud")).Dispose();
        var loud = await setup.Receiver.NextAsync(s => s.Span.Name == "GET" && s.Text("traefik.router.name") == "default-loud", ExportWait);

        Assert.Multiple(() =>
        {
            Assert.That(setup.Receiver.Received.Where(s => s.TraceId == quietTrace), Is.Empty);
            Assert.That(setup.Traceparents.First(), Is.EqualTo(quietParent), "no span: the caller's traceparent is forwarded untouched");
            Assert.That(loud.Text("url.path"), Is.EqualTo("/plain/loud"));
        });
    }

    [Test]
    public async Task UnsampledCalls_CreateNoSpan_AndTellTheBackendTheyAreNotSampled()
    {
        await using var setup = await TracedEcho.StartAsync(
            backend => Table([Router("default-api", "default-api-80")], new Dictionary<string, ServiceConfig> { ["default-api-80"] = Lb("h2c", [backend]) }),
            o => o with { SampleRate = 0 });
        var started = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Switchyard",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStarted = a => started.Enqueue(a.DisplayName),
        };
        ActivitySource.AddActivityListener(listener);
        using var client = new HttpClient();

        // A new trace under sampleRate 0, then a caller's trace it did not sample.
        (await client.GetAsync($"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/a")).Dispose();
        const string callerTrace = "8bf92f3577b34da6a3ce929d0e0e4736";
        using (var unsampledCaller = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/c"))
        {
            unsampledCaller.Headers.Add("traceparent", $"00-{callerTrace}-00f067aa0ba902b7-00");
            (await client.SendAsync(unsampledCaller)).Dispose();
        }

        // A traceparent W3C calls invalid (version ff) starts a new trace, as if there were none.
        const string invalidTrace = "9bf92f3577b34da6a3ce929d0e0e4736";
        using (var invalid = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/d"))
        {
            invalid.Headers.TryAddWithoutValidation("traceparent", $"ff-{invalidTrace}-00f067aa0ba902b7-01");
            (await client.SendAsync(invalid)).Dispose();
        }

        var spansOfUnsampledCalls = started.ToArray();

        // A caller's sampled parent is followed (parent-based sampling): its spans arrive after the unsampled calls' would.
        const string sampledTrace = "7bf92f3577b34da6a3ce929d0e0e4736";
        using (var sampled = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{setup.Gateway.Web.Port}/plain/b"))
        {
            sampled.Headers.Add("traceparent", $"00-{sampledTrace}-00f067aa0ba902b7-01");
            (await client.SendAsync(sampled)).Dispose();
        }

        await setup.Receiver.CollectAsync(s => s.TraceId == sampledTrace, 2, ExportWait);
        var (newTrace, continued, instead) = (setup.Traceparents.ElementAt(0), setup.Traceparents.ElementAt(1), setup.Traceparents.ElementAt(2));
        Assert.Multiple(() =>
        {
            Assert.That(spansOfUnsampledCalls, Is.Empty, "a call that is not sampled creates no Activity");
            Assert.That(started, Is.EquivalentTo(new[] { "GET", "ReverseProxy" }), "the sampled call's spans");
            Assert.That(newTrace, Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$"), "a new trace, flagged not sampled");
            Assert.That(newTrace, Does.Not.Contain("-0000000000000000-").And.Not.Contain("-00000000000000000000000000000000-"));
            Assert.That(continued, Does.Match($"^00-{callerTrace}-[0-9a-f]{{16}}-00$"), "the caller's trace, not sampled");
            Assert.That(continued, Does.Not.Contain("00f067aa0ba902b7"), "the gateway's own span id replaces the caller's, as in Traefik");
            Assert.That(instead, Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$").And.Not.Contain(invalidTrace));
            Assert.That(setup.Receiver.Received.Where(s => s.TraceId == callerTrace || newTrace.Contains(s.TraceId, StringComparison.Ordinal)), Is.Empty);
        });
    }
}
