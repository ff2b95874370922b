using System.Collections.Concurrent;
using System.Collections.Immutable;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tracing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Switchyard.TestKit.Observability;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>Spans of real gRPC calls through a real gateway, exported over real OTLP/gRPC to a receiver the test runs.</summary>
[CancelAfter(60_000)]
public class TracingTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task GrpcCall_ExportsAServerSpanWithRouterAndRpcAttributes_AndTheBackendContinuesItsTrace()
    {
        await using var setup = await TracedEcho.StartAsync();
        var (receiver, traceparents, gw) = (setup.Receiver, setup.Traceparents, setup.Gateway);

        var failed = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client().UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "no such user" }));
        Assert.That(failed!.StatusCode, Is.EqualTo(StatusCode.NotFound));

        var span = await receiver.NextAsync(s => s.Attribute("rpc.method")?.StringValue == "Unary", ExportWait);
        var proxy = receiver.Received.Single(s => s.TraceId == span.TraceId && s.Span.Name == "ReverseProxy");
        Assert.Multiple(() =>
        {
            Assert.That(span.Span.Name, Is.EqualTo("POST"), "Traefik names the entry point span after the method");
            Assert.That(span.Span.Kind, Is.EqualTo(2), "SPAN_KIND_SERVER");
            Assert.That(span.Attribute("entry_point")?.StringValue, Is.EqualTo("web"));
            Assert.That(span.Attribute("traefik.router.name")?.StringValue, Is.EqualTo("default-echo"));
            Assert.That(span.Attribute("traefik.service.name")?.StringValue, Is.EqualTo("default-echo-80"));
            Assert.That(span.Attribute("rpc.system")?.StringValue, Is.EqualTo("grpc"));
            Assert.That(span.Attribute("rpc.service")?.StringValue, Is.EqualTo("switchyard.test.Echo"));
            Assert.That(span.Attribute("rpc.grpc.status_code")?.IntValue, Is.EqualTo((long)StatusCode.NotFound));
            Assert.That(span.Attribute("http.response.status_code")?.IntValue, Is.EqualTo(200));
            Assert.That(span.ResourceAttribute("service.name")?.StringValue, Is.EqualTo("edge"));
            Assert.That(span.ResourceAttribute("deployment.environment")?.StringValue, Is.EqualTo("test"));
            Assert.That(proxy.Span.Kind, Is.EqualTo(3), "SPAN_KIND_CLIENT");
            Assert.That(proxy.ParentSpanId, Is.EqualTo(span.SpanId), "minimal verbosity: ReverseProxy right under the entry point span");
            Assert.That(proxy.Attribute("server.address")?.StringValue, Is.EqualTo("127.0.0.1"));
            Assert.That(proxy.Attribute("server.port")?.IntValue, Is.EqualTo((long)setup.Backend.Address.Port));
            Assert.That(proxy.Attribute("network.peer.address")?.StringValue, Is.EqualTo("127.0.0.1"));
            Assert.That(proxy.Attribute("network.protocol.version")?.StringValue, Is.EqualTo("2"));
            Assert.That(traceparents, Has.Count.EqualTo(1).And.All.Match(Sampled(span.TraceId, proxy.SpanId)),
                "the backend's traceparent names the gateway's ReverseProxy span as its parent");
        });
    }

    [Test]
    public async Task CallersTraceparent_IsContinued()
    {
        await using var setup = await TracedEcho.StartAsync();
        var (receiver, traceparents, gw) = (setup.Receiver, setup.Traceparents, setup.Gateway);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string callerSpan = "00f067aa0ba902b7";

        await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" }, new Metadata { { "traceparent", $"00-{traceId}-{callerSpan}-01" } });

        var span = await receiver.NextAsync(s => s.TraceId == traceId && s.Span.Name == "POST", ExportWait);
        var proxy = receiver.Received.Single(s => s.TraceId == traceId && s.Span.Name == "ReverseProxy");
        Assert.Multiple(() =>
        {
            Assert.That(span.ParentSpanId, Is.EqualTo(callerSpan));
            Assert.That(span.Attribute("rpc.grpc.status_code")?.IntValue, Is.Zero);
            Assert.That(traceparents, Has.Count.EqualTo(1).And.All.Match(Sampled(traceId, proxy.SpanId)));
        });
    }

    [Test]
    public async Task SpansTheFullExportQueueDrops_AreCounted()
    {
        // A collector whose connect hangs holds the exporter's first batch; with room for one span in the queue, the
        // rest of the calls' spans (two each: entry point and ReverseProxy) can only be dropped.
        using var collector = await HangingListener.StartAsync();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var gw = await Gateway.StartAsync(tracing: new TracingOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{collector.Endpoint.Port}"),
            MaxQueueSize = 1,
        });
        gw.Apply(Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        const int calls = 4;
        for (var i = 0; i < calls; i++)
        {
            await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        }

        var tracing = gw.Host.Tracing!;
        await gw.DisposeAsync(); // the SDK reports its dropped count when the provider shuts down

        Assert.That(tracing.DroppedSpans, Is.GreaterThanOrEqualTo(2 * calls - 2), "at most one span exporting and one queued");
    }

    /// <summary>A sampled W3C traceparent (flag 01; 03 when the trace id is also marked random, W3C level 2).</summary>
    private static string Sampled(string traceId, string parentId) => $"^00-{traceId}-{parentId}-0[13]$";
}
