using System.Diagnostics;
using Grpc.Core;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

[CancelAfter(120_000)]
public class HotSwapTests
{
    [Test]
    public async Task TwoHundredSwaps_UnderUnaryLoadAndOpenStreams_LoseNothing()
    {
        await using var b1 = await GrpcTestBackend.StartAsync("b1");
        await using var b2 = await GrpcTestBackend.StartAsync("b2");
        await using var gw = await Gateway.StartAsync();
        RoutingTable TableFor(int i) => Table(
            [Router("r", i % 2 == 0 ? "svc-a" : "svc-b", rule: $"PathPrefix(`/`) #{i}")],
            new Dictionary<string, ServiceConfig>
            {
                ["svc-a"] = Lb("h2c", [b1.Address]),
                ["svc-b"] = Lb("h2c", [b2.Address]),
            });
        gw.Apply(TableFor(0));
        var client = gw.Client();

        // Four server streams that run until the test ends them: "they stayed open across all swaps" is then an order
        // of events (every stream still open after the last swap, and still delivering), not a race between the
        // streams' length and the swaps' duration on a loaded machine.
        var received = new int[4];
        var servers = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var endStreams = new CancellationTokenSource();
        var streams = new List<Task<bool>>();
        var streamStarted = 0;
        for (var s = 0; s < 4; s++)
        {
            var index = s;
            streams.Add(Task.Run(async () =>
            {
                using var call = client.ServerStream(new StreamRequest { Message = "s", Count = 1_000_000, IntervalMs = 50 }, cancellationToken: endStreams.Token);
                var n = 0;
                try
                {
                    await foreach (var m in call.ResponseStream.ReadAllAsync(endStreams.Token))
                    {
                        if (++n == 1)
                        {
                            Interlocked.Increment(ref streamStarted);
                        }

                        Assert.That(m.Count, Is.EqualTo(n));
                        servers.Add(m.Server);
                        Volatile.Write(ref received[index], n);
                    }
                }
                catch (Exception e) when (endStreams.IsCancellationRequested && e is RpcException { StatusCode: StatusCode.Cancelled } or OperationCanceledException)
                {
                    return true; // ended by the test, not by the gateway
                }

                return false;
            }));
        }

        await Wait.UntilAsync(() => Volatile.Read(ref streamStarted) == 4, TimeSpan.FromSeconds(10), "4 streams to start");

        var ok = 0;
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.UnaryAsync(new EchoRequest { Message = "u" });
                    Interlocked.Increment(ref ok);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();

        var published = 0;
        for (var i = 1; i <= 200; i++)
        {
            // Pace swaps with traffic: at least one call completes between two swaps.
            var seen = Volatile.Read(ref ok);
            await Wait.UntilAsync(() => Volatile.Read(ref ok) > seen, TimeSpan.FromSeconds(10), "a call between swaps");
            if (gw.Host.Tables.Swap(TableFor(i)).Published)
            {
                published++;
            }
        }

        var streamsOpenAtEnd = streams.Count(t => !t.IsCompleted);
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        // Still delivering after the last swap, then ended by the test.
        var atEnd = Enumerable.Range(0, 4).Select(i => Volatile.Read(ref received[i])).ToArray();
        await Wait.UntilAsync(() => Enumerable.Range(0, 4).All(i => Volatile.Read(ref received[i]) > atEnd[i] + 1), TimeSpan.FromSeconds(10),
            "every stream to deliver after the last swap");
        await endStreams.CancelAsync();
        var endedByTheTest = await Task.WhenAll(streams);

        Assert.Multiple(() =>
        {
            Assert.That(published, Is.EqualTo(200));
            Assert.That(failed, Is.Zero);
            Assert.That(ok, Is.GreaterThan(200));
            Assert.That(streamsOpenAtEnd, Is.EqualTo(4), "the streams stayed open across all swaps");
            Assert.That(endedByTheTest, Is.All.True, "no stream ended before the test ended it");
            Assert.That(servers.Distinct(), Is.EqualTo(new[] { "b1" }), "each stream stayed on the server it started on");
            Assert.That(b2.Calls, Is.GreaterThan(0), "odd tables route to b2");
        });

        // The pool of the unchanged default transport survived every swap: one h2c pool is alive, not 200.
        var transportKeys = BackendTransports.Key("default", ServersTransportConfig.Default, ServerScheme.H2c);
        Assert.That(gw.Host.Tables.StateCount, Is.LessThan(10));
        TestContext.Out.WriteLine($"unary calls during swaps: {ok}; RSS after hot-swap test: {Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024)} MiB; state objects: {gw.Host.Tables.StateCount} ({transportKeys})");
    }

    [Test]
    public async Task EqualTable_IsNotRepublished_AndAChangedTransportGetsAFreshPool()
    {
        await using var b1 = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        var transportA = ServersTransportConfig.Default;
        var transportB = ServersTransportConfig.Default with { MaxIdleConnsPerHost = 7 };
        RoutingTable TableWith(ServersTransportConfig t) => Table([Router("r", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [b1.Address], transport: "default-t") },
            new Dictionary<string, ServersTransportConfig> { ["default-t"] = t });

        Assert.That(gw.Host.Tables.Swap(TableWith(transportA)).Published, Is.True);
        Assert.That(gw.Host.Tables.Swap(TableWith(transportA)).Published, Is.False, "an equal table is skipped");
        await gw.Client().UnaryAsync(new EchoRequest());
        var keyA = BackendTransports.Key("default-t", transportA, ServerScheme.H2c);
        var keyB = BackendTransports.Key("default-t", transportB, ServerScheme.H2c);
        Assert.That(gw.Host.Tables.StateContains(keyA), Is.True);

        Assert.That(gw.Host.Tables.Swap(TableWith(transportB)).Published, Is.True);
        await gw.Client().UnaryAsync(new EchoRequest());
        Assert.That(gw.Host.Tables.StateContains(keyB), Is.True);
        Assert.That(gw.Host.Tables.StateContains(keyA), Is.False, "the old pool is released once its calls drained");
    }
}
