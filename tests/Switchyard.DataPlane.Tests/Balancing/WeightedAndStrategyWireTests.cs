using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>Weighted services and strategies through real sockets: gRPC client → Kestrel → handler → YARP → backends.</summary>
[CancelAfter(30_000)]
public sealed class WeightedAndStrategyWireTests
{
    [Test]
    public async Task Weighted_80_20_split_over_2000_calls()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var table = Tables.With(
            ("svc-a", Tables.Lb([Tables.H2c(a)])),
            ("svc-b", Tables.Lb([Tables.H2c(b)])),
            ("root", new WeightedService([new WeightedChild("svc-a", 80), new WeightedChild("svc-b", 20)], null)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        var counts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 250; i++)
            {
                var reply = await client.UnaryAsync(new EchoRequest { Message = "w" });
                lock (counts)
                {
                    counts[reply.Server]++;
                }
            }
        });
        await Task.WhenAll(workers);

        var shareA = counts["a"] * 100.0 / 2000;
        TestContext.Out.WriteLine($"weighted 80/20 over 2000 calls: a={counts["a"]} b={counts["b"]} ({shareA:0.0}% / {100 - shareA:0.0}%)");
        Assert.That(counts["a"] + counts["b"], Is.EqualTo(2000));
        Assert.That(shareA, Is.EqualTo(80).Within(5));
        Assert.That(a.Calls, Is.EqualTo(counts["a"]), "backend counters agree");
    }

    [Test]
    public async Task Weighted_shifts_all_traffic_off_a_child_without_healthy_servers()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var interval = TimeSpan.FromMilliseconds(100);
        var table = Tables.With(
            ("svc-a", Tables.Lb([Tables.H2c(a)], health: Tables.Grpc(interval))),
            ("svc-b", Tables.Lb([Tables.H2c(b)])),
            ("root", new WeightedService([new WeightedChild("svc-a", 1), new WeightedChild("svc-b", 1)], null)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        a.Health.SetStatus("", Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing);
        await Wait.UntilAsync(() => !gateway.Handler("svc-a").IsAvailable, TimeSpan.FromSeconds(5), "svc-a unavailable");
        var before = a.Calls;
        for (var i = 0; i < 20; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b"));
        }

        Assert.That(a.Calls, Is.EqualTo(before));
    }

    [Test]
    public async Task P2c_prefers_the_idle_server()
    {
        var gate = new CallGate();
        await using var busy = await GrpcTestBackend.StartAsync("busy", gate.Options());
        await using var idle = await GrpcTestBackend.StartAsync("idle");
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(busy), Tables.H2c(idle)], BalancerStrategy.P2c)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        // Calls that land on "busy" stay in flight (held by the gate); p2c must route around them.
        var held = new List<Task>();
        var idleReplies = 0;
        for (var i = 0; i < 200; i++)
        {
            var call = client.UnaryAsync(new EchoRequest { Message = "p2c" }).ResponseAsync;
            await Wait.UntilAsync(() => call.IsCompleted || gate.Waiting > held.Count, TimeSpan.FromSeconds(5), "call answered or held");
            if (call.IsCompleted)
            {
                Assert.That((await call).Server, Is.EqualTo("idle"));
                idleReplies++;
            }
            else
            {
                held.Add(call);
            }
        }

        TestContext.Out.WriteLine($"p2c: idle={idleReplies} busy(held)={held.Count}");
        Assert.That(held, Has.Count.LessThanOrEqualTo(2), "a server with calls in flight gets almost nothing");
        Assert.That(idleReplies, Is.GreaterThanOrEqualTo(198));

        gate.Open();
        await Task.WhenAll(held);
    }

    [Test]
    public async Task Round_robin_by_contrast_keeps_sending_to_the_busy_server()
    {
        var gate = new CallGate();
        await using var busy = await GrpcTestBackend.StartAsync("busy", gate.Options());
        await using var idle = await GrpcTestBackend.StartAsync("idle");
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(busy), Tables.H2c(idle)], BalancerStrategy.Wrr)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        var calls = Enumerable.Range(0, 20).Select(_ => client.UnaryAsync(new EchoRequest()).ResponseAsync).ToList();
        await Wait.UntilAsync(() => gate.Waiting == 10 && calls.Count(c => c.IsCompleted) == 10, TimeSpan.FromSeconds(5), () => $"10 held, 10 answered (held {gate.Waiting}, answered {calls.Count(c => c.IsCompleted)})");
        gate.Open();
        await Task.WhenAll(calls);
    }

    [Test]
    public async Task Terminating_servers_get_no_new_calls()
    {
        await using var old = await GrpcTestBackend.StartAsync("old");
        await using var current = await GrpcTestBackend.StartAsync("current");
        var table = Tables.With(("svc", Tables.Lb([Core.TestTables.Server(Tables.H2c(old), 1, terminating: true), Core.TestTables.Server(Tables.H2c(current))])));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        for (var i = 0; i < 10; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("current"));
        }

        Assert.That(old.Calls, Is.Zero);
    }

    [Test]
    public async Task LeastTime_sends_most_calls_to_the_faster_server()
    {
        await using var slow = await GrpcTestBackend.StartAsync("slow", new GrpcTestBackendOptions
        {
            // Simulated backend latency (behaviour under test, not synchronisation).
            Configure = app => app.Use(async (ctx, next) =>
            {
                await Task.Delay(30, ctx.RequestAborted);
                await next(ctx);
            }),
        });
        await using var fast = await GrpcTestBackend.StartAsync("fast");
        var table = Tables.With(
            ("svc", Tables.Lb([Tables.H2c(slow), Tables.H2c(fast)], BalancerStrategy.LeastTime)),
            ("warm-up", Tables.Lb([Tables.H2c(slow), Tables.H2c(fast)])));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        // Warm-up through another service: the first calls pay for connections and JIT, which would make
        // the fast server look slow for a while (its one cold sample only fades after some half-lives).
        for (var i = 0; i < 4; i++)
        {
            await client.UnaryAsync(new EchoRequest(), BalancingGateway.To("warm-up"));
        }

        for (var i = 0; i < 20; i++)
        {
            await client.UnaryAsync(new EchoRequest());
        }

        var (slowBefore, fastBefore) = (slow.Calls, fast.Calls);
        for (var i = 0; i < 100; i++)
        {
            await client.UnaryAsync(new EchoRequest());
        }

        TestContext.Out.WriteLine($"leasttime: warm-up slow={slowBefore} fast={fastBefore}; then slow={slow.Calls - slowBefore} fast={fast.Calls - fastBefore}");
        Assert.That(fast.Calls - fastBefore, Is.GreaterThanOrEqualTo(95));
    }

    [Test]
    public async Task No_servers_and_error_services_answer_with_grpc_status_codes()
    {
        var table = Tables.With(
            ("empty", Tables.Lb(Array.Empty<string>())),
            ("gone", new ErrorService(503, "no endpoints")),
            ("teapot", new ErrorService(418, "short and stout")),
            ("failover", new FailoverService("empty", "missing-service")));
        await using var gateway = await BalancingGateway.StartAsync(table, "empty");
        var client = gateway.Client();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(ex.Status.Detail, Does.Contain("empty has no servers"));

        ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest(), BalancingGateway.To("gone")));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(ex.Status.Detail, Is.EqualTo("no endpoints"));
        ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest(), BalancingGateway.To("teapot")));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unknown));
        ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest(), BalancingGateway.To("failover")));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable), "failover with neither side available answers like main");

        Assert.That(gateway.Handler("gone").IsAvailable, Is.False);
        Assert.That(gateway.Handler("failover").IsAvailable, Is.False);
    }
}
