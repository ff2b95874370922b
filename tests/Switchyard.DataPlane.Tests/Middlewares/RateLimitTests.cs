using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Grpc.Core;
using Switchyard.DataPlane.Middlewares.RateLimit;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(60_000)]
public sealed class RateLimitTests
{
    private GrpcTestBackend _backend = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _backend = await GrpcTestBackend.StartAsync("b");
        _gateway = await TestGateway.StartAsync(_backend.Address);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private static RateLimitConfig ByHeader(long average, TimeSpan period, long burst) =>
        new(average, period, burst, new SourceCriterionConfig(null, "x-tenant", false));

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
    public async Task BurstOf200AdmitsTheBurstAndRejectsTheRestWithResourceExhausted()
    {
        // The clock stands still during the burst: exactly the 50 tokens of the bucket are there, however long the
        // 200 calls take on a loaded machine (the refill is the next test's subject).
        var clock = new ManualClock();
        _gateway.Use(Build.Middleware(ByHeader(100, TimeSpan.FromSeconds(1), 50), time: clock));
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        Assert.That(await CallAsync(client, "warm-up"), Is.EqualTo(StatusCode.OK)); // connection open before the burst

        var before = _backend.Calls;
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => CallAsync(client, "burst")));
        var ok = results.Count(r => r == StatusCode.OK);
        var exhausted = results.Count(r => r == StatusCode.ResourceExhausted);
        TestContext.Out.WriteLine($"burst of 200: {ok} OK, {exhausted} RESOURCE_EXHAUSTED");
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.EqualTo(50));
            Assert.That(exhausted, Is.EqualTo(150));
            Assert.That(_backend.Calls - before, Is.EqualTo(ok), "rejected calls never reach the backend");
        });

        // 100 per second: 100 ms later ten tokens are back, and only ten.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var refill = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync(client, "burst")));
        Assert.That(refill.Count(r => r == StatusCode.OK), Is.EqualTo(10));
    }

    [Test]
    public async Task Sustained80PerSecondFor3SecondsIsNeverRejected()
    {
        _gateway.Use(Build.Middleware(ByHeader(100, TimeSpan.FromSeconds(1), 50)));
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        Assert.That(await CallAsync(client, "warm-up"), Is.EqualTo(StatusCode.OK));

        // Pace by the clock: call i is issued at i/80 s, whatever the previous calls are doing.
        var calls = new List<Task<StatusCode>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 240; i++)
        {
            var due = TimeSpan.FromSeconds(i / 80.0);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            calls.Add(CallAsync(client, "steady"));
        }

        var results = await Task.WhenAll(calls);
        Assert.That(results.Count(r => r != StatusCode.OK), Is.Zero, $"rejections: {string.Join(",", results.Where(r => r != StatusCode.OK))}");
    }

    [Test]
    public async Task TwoSourcesHaveSeparateBuckets()
    {
        _gateway.Use(Build.Middleware(ByHeader(1, TimeSpan.FromMinutes(1), 3)));
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await CallAsync(client, "alice"), Is.EqualTo(StatusCode.OK));
        }

        Assert.That(await CallAsync(client, "alice"), Is.EqualTo(StatusCode.ResourceExhausted));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await CallAsync(client, "bob"), Is.EqualTo(StatusCode.OK), "bob has his own bucket");
        }

        Assert.That(await CallAsync(client, "bob"), Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [Test]
    public async Task ASwapWithTheSameConfigKeepsTheBucketAndAChangedConfigStartsFresh()
    {
        var state = new TestSwapState();
        var config = ByHeader(1, TimeSpan.FromMinutes(1), 2);
        _gateway.Use(Build.Middleware(config, state));
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.OK));
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.OK));
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.ResourceExhausted));

        // New table, same middleware: rebuilt from the same swap state with an equal (not identical) config.
        _gateway.Use(Build.Middleware(config with { }, state));
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.ResourceExhausted), "swap must not refill");

        _gateway.Use(Build.Middleware(config with { Burst = 3 }, state));
        Assert.That(await CallAsync(client, "t"), Is.EqualTo(StatusCode.OK), "a changed middleware starts fresh");
    }

    [Test]
    public async Task HttpCallerGets429WithRetryAfter()
    {
        _gateway.Use(Build.Middleware(new RateLimitConfig(1, TimeSpan.FromMinutes(1), 1, SourceCriterionConfig.RemoteAddress)));
        using var http = Clients.Http();
        using var first = await http.GetAsync(new Uri(_gateway.Http1Address, "/plain"));
        Assert.That(first.StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests));

        using var second = await http.GetAsync(new Uri(_gateway.Http1Address, "/plain"));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.That(retryAfter, Is.Not.Null);
        Assert.That(retryAfter!.Value.TotalSeconds, Is.InRange(1, 60));
    }

    [Test]
    public async Task IpStrategyDepthTakesTheClientFromXForwardedFor()
    {
        var criterion = new SourceCriterionConfig(new IpStrategyConfig(1, [], null), null, false);
        _gateway.Use(Build.Middleware(new RateLimitConfig(1, TimeSpan.FromMinutes(1), 1, criterion)));
        using var http = Clients.Http();

        async Task<HttpStatusCode> Get(string xff)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.Http1Address, "/plain"));
            request.Headers.Add("X-Forwarded-For", xff);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.That(await Get("1.1.1.1, 10.0.0.1"), Is.Not.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await Get("2.2.2.2, 10.0.0.1"), Is.EqualTo(HttpStatusCode.TooManyRequests), "depth 1 = right-most entry, same client");
        Assert.That(await Get("1.1.1.1, 10.0.0.2"), Is.Not.EqualTo(HttpStatusCode.TooManyRequests), "another right-most entry is another client");
    }

    [Test]
    public void MemoryStaysBoundedWithManyDistinctSources()
    {
        // A slow bucket: nothing refills during the test, so the cap (not eviction) must hold.
        var slow = new RateLimitBuckets(1, TimeSpan.FromMinutes(1), 1, maxSources: 100);
        for (var i = 0; i < 1000; i++)
        {
            slow.TryTake("source-" + i, out _);
        }

        Assert.That(slow.Count, Is.LessThanOrEqualTo(100));
        Assert.That(slow.TryTake("source-0", out _), Is.False, "a tracked, empty bucket stays empty");

        // A fast bucket refills in a microsecond: full buckets are evicted and new sources get their own.
        var fast = new RateLimitBuckets(1_000_000, TimeSpan.FromSeconds(1), 1, maxSources: 100);
        for (var i = 0; i < 1000; i++)
        {
            Assert.That(fast.TryTake("source-" + i, out _), Is.True);
        }

        Assert.That(fast.Count, Is.LessThanOrEqualTo(100));
    }
}
