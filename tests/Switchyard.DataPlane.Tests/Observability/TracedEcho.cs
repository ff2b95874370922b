using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tracing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Observability;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>An OTLP receiver, an echo backend recording each traceparent it gets, and a traced gateway routing to it.</summary>
internal sealed class TracedEcho(OtlpReceiver receiver, GrpcTestBackend backend, Gateway gateway, ConcurrentQueue<string> traceparents, ConcurrentQueue<string> baggage) : IAsyncDisposable
{
    public OtlpReceiver Receiver => receiver;

    public GrpcTestBackend Backend => backend;

    public Gateway Gateway => gateway;

    public ConcurrentQueue<string> Traceparents => traceparents;

    /// <param name="table">The table to serve, given the backend's address (default: one router default-echo to it).</param>
    /// <param name="options">Changes to the tracing options (the receiver's endpoint is set).</param>
    public static async Task<TracedEcho> StartAsync(Func<Uri, RoutingTable>? table = null, Func<TracingOptions, TracingOptions>? options = null)
    {
        var receiver = await OtlpReceiver.StartAsync();
        var traceparents = new ConcurrentQueue<string>();
        var baggage = new ConcurrentQueue<string>();
        var backend = await GrpcTestBackend.StartAsync("b1", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (context, next) =>
            {
                traceparents.Enqueue(context.Request.Headers.TraceParent.ToString());
                baggage.Enqueue(context.Request.Headers.Baggage.ToString());
                if (context.Request.Path.StartsWithSegments("/plain"))
                {
                    // A plain HTTP answer, for the attributes gRPC cannot show (query, custom headers).
                    context.Response.Headers["X-Answer"] = "42";
                    await context.Response.WriteAsync("ok");
                    return;
                }

                await next(context);
            }),
        });
        var tracing = new TracingOptions
        {
            Endpoint = receiver.Address,
            ServiceName = "edge",
            ResourceAttributes = ImmutableDictionary<string, string>.Empty.Add("deployment.environment", "test"),
            ExportDelay = TimeSpan.FromMilliseconds(50),
        };
        var gateway = await Gateway.StartAsync(tracing: options is null ? tracing : options(tracing));
        gateway.Apply(table is null
            ? Table([Router("default-echo", "default-echo-80")], new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) })
            : table(backend.Address));
        return new TracedEcho(receiver, backend, gateway, traceparents, baggage);
    }

    /// <summary>The baggage header of each call the backend got.</summary>
    public IReadOnlyCollection<string> Baggage => baggage;

    public async ValueTask DisposeAsync()
    {
        await gateway.DisposeAsync();
        await backend.DisposeAsync();
        await receiver.DisposeAsync();
    }
}
