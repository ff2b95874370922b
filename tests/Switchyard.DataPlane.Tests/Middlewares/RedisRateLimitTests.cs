using System.Collections.Immutable;
using System.Net;
using Grpc.Core;
using Switchyard.DataPlane.Tests.Tcp;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// rateLimit with redis against Debian's redis-server on 127.0.0.1 (scripts/setup.d/50-tcp-peers.sh): two gateways,
/// each with its own connections, draw from one bucket; Redis down refuses the calls as Traefik does.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
[NonParallelizable]
public sealed class RedisRateLimitTests
{
    private GrpcTestBackend _backend = null!;
    private TestGateway _first = null!;
    private TestGateway _second = null!;
    private RedisServer _redis = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await GrpcTestBackend.StartAsync("b");
        _first = await TestGateway.StartAsync(_backend.Address);
        _second = await TestGateway.StartAsync(_backend.Address);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static RateLimitConfig Limit(long average, TimeSpan period, long burst, int port, TimeSpan? timeout = null) =>
        new(average, period, burst, new SourceCriterionConfig(null, "x-tenant", false))
        {
            Redis = new RateLimitRedisConfig([$"127.0.0.1:{port}"], null, null, 0, null, TimeSpan.FromSeconds(5),
                timeout ?? TimeSpan.FromSeconds(3), timeout ?? TimeSpan.FromSeconds(3), 0, 0, 0),
        };

    private static async Task<StatusCode> CallAsync(Echo.EchoClient client, string tenant)
    {
        try
        {
            await client.UnaryAsync(new EchoRequest { Message = "hi" }, new Metadata { { "x-tenant", tenant } });
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    [Test]
    public async Task TwoGatewaysSharingOneRedisAdmitTheRateTogetherNotTwiceIt()
    {
        // 10 per hour, burst 10: nothing refills during the test, so the shared bucket admits exactly 10 calls.
        var config = Limit(10, TimeSpan.FromHours(1), 10, _redis.Port);
        _first.Use(Build.Middleware(config, new TestSwapState(), "default-shared"));
        _second.Use(Build.Middleware(config, new TestSwapState(), "default-shared"));
        var (channelA, a) = Clients.Grpc(_first.H2cAddress);
        var (channelB, b) = Clients.Grpc(_second.H2cAddress);
        using var _ = channelA;
        using var __ = channelB;

        var before = _backend.Calls;
        var first = Task.WhenAll(Enumerable.Range(0, 15).Select(_ => CallAsync(a, "t")));
        var second = Task.WhenAll(Enumerable.Range(0, 15).Select(_ => CallAsync(b, "t")));
        var results = (await first).Concat(await second).ToList();
        TestContext.Out.WriteLine($"gateway A admitted {(await first).Count(r => r == StatusCode.OK)}, gateway B {(await second).Count(r => r == StatusCode.OK)}");
        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r == StatusCode.OK), Is.EqualTo(10), "one bucket for both gateways (alone, each would admit 10)");
            Assert.That(results.Count(r => r == StatusCode.ResourceExhausted), Is.EqualTo(20));
            Assert.That(_backend.Calls - before, Is.EqualTo(10), "refused calls never reach the backend");
        });

        // Another source has its own bucket, on both gateways too.
        Assert.That(await CallAsync(b, "other"), Is.EqualTo(StatusCode.OK));
    }

    [Test]
    public async Task TheSharedBucketRefillsAtAveragePerPeriod()
    {
        // 20 per second, burst 1: the bucket admits one call, then the next only once 50 ms have passed on Redis's
        // clock. Two gateways calling as fast as they can therefore get far fewer than the calls they make, and the
        // admitted ones cannot outrun the rate: admitted ≤ 1 + 20 × elapsed seconds (measured around the calls).
        var config = Limit(20, TimeSpan.FromSeconds(1), 1, _redis.Port);
        _first.Use(Build.Middleware(config, new TestSwapState(), "default-refill"));
        _second.Use(Build.Middleware(config, new TestSwapState(), "default-refill"));
        var (channelA, a) = Clients.Grpc(_first.H2cAddress);
        var (channelB, b) = Clients.Grpc(_second.H2cAddress);
        using var _ = channelA;
        using var __ = channelB;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var admitted = 0;
        var calls = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            var pair = await Task.WhenAll(CallAsync(a, "r"), CallAsync(b, "r"));
            admitted += pair.Count(r => r == StatusCode.OK);
            calls += 2;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"{admitted} of {calls} calls admitted in {elapsed:0.000}s at 20/s");
        Assert.That(admitted, Is.LessThanOrEqualTo(1 + (int)Math.Ceiling(20 * elapsed)));
        Assert.That(admitted, Is.GreaterThanOrEqualTo(2), "the bucket refills");
    }

    [Test]
    public async Task RedisUnreachableRefusesCallsLikeTraefikWithoutStalling()
    {
        // Nothing listens on this port: Traefik answers 500 ("Could not insert/update bucket"); gRPC callers get UNAVAILABLE.
        var port = TcpTestPeers.FreePort();
        _first.Use(Build.Middleware(Limit(100, TimeSpan.FromSeconds(1), 100, port, TimeSpan.FromMilliseconds(200)), new TestSwapState(), "default-down"));
        var before = _backend.Calls;
        using var http = Clients.Http();
        using (var response = await http.GetAsync(new Uri(_first.Http1Address, "/plain")))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("could not insert/update bucket"));
        }

        var (channel, client) = Clients.Grpc(_first.H2cAddress);
        using var _ = channel;
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.Unavailable));
        Assert.That(_backend.Calls - before, Is.Zero, "the limit is never lifted while Redis is away");
    }

    [Test]
    public async Task RedisStoppingMidwayRefusesAndItsReturnAdmitsAgain()
    {
        var redis = await RedisServer.StartAsync();
        try
        {
            var config = Limit(1000, TimeSpan.FromSeconds(1), 1000, redis.Port, TimeSpan.FromMilliseconds(300));
            _first.Use(Build.Middleware(config, new TestSwapState(), "default-restart"));
            var (channel, client) = Clients.Grpc(_first.H2cAddress);
            using var _ = channel;
            Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.OK));

            await redis.DisposeAsync();
            Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.Unavailable));

            redis = await RedisServer.StartAsync(redis.Port);
            await Wait.UntilAsync(async () => await CallAsync(client, "t") == StatusCode.OK, TimeSpan.FromSeconds(30), "admitted again once Redis is back");
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }
}
