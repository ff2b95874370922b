using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Middlewares.CircuitBreaker;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>circuitBreaker through the wire: trips on the expression, answers the fallback, recovers, survives swaps.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class CircuitBreakerTests : EchoGatewayFixture
{
    private static CircuitBreakerConfig Config(string expression, int fallbackMs = 60_000, int recoveryMs = 50, int responseCode = 503) =>
        new(BreakerExpression.Parse(expression), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(fallbackMs), TimeSpan.FromMilliseconds(recoveryMs), responseCode);

    private static async Task<(StatusCode Code, string Detail)> CallAsync(Echo.EchoClient client, int failWith = 0, int delayMs = 0)
    {
        try
        {
            await client.UnaryAsync(new EchoRequest { Message = "m", FailWithStatus = failWith, DelayMs = delayMs });
            return (StatusCode.OK, "");
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }

    private static async Task TripAsync(Echo.EchoClient client, int failWith = 0, int delayMs = 0, ManualClock? clock = null) =>
        await Wait.UntilAsync(async () =>
        {
            clock?.Advance(TimeSpan.FromMilliseconds(2));
            return (await CallAsync(client, failWith, delayMs)).Detail.Contains("circuit breaker");
        }, TimeSpan.FromSeconds(10), "the breaker trips");

    [Test]
    public async Task FailingGrpcCallsTripTheBreakerWhichAnswersUnavailableWithoutCallingTheBackend()
    {
        var state = new TestSwapState();
        Gateway.Use(Build.Middleware(Config("ResponseCodeRatio(500, 600, 0, 600) > 0.5"), state));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.OK), "healthy calls pass");
        await TripAsync(client, failWith: 13); // INTERNAL counts as a 500
        var before = Backend.Calls;
        var open = await CallAsync(client);
        using var http = Clients.Http();
        using var httpAnswer = await http.GetAsync(new Uri(Gateway.Http1Address, "/x"));

        Assert.Multiple(() =>
        {
            Assert.That(open.Code, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(httpAnswer.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Backend.Calls, Is.EqualTo(before), "a tripped breaker does not call the backend");
        });

        // A table swap with the same config keeps the breaker tripped.
        Gateway.Use(Build.Middleware(Config("ResponseCodeRatio(500, 600, 0, 600) > 0.5"), state));
        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(Backend.Calls, Is.EqualTo(before));
    }

    [Test]
    public async Task ATrippedBreakerRecoversWhenTheServiceIsHealthyAgain()
    {
        // The breaker's clock is moved by hand, so the states do not depend on how fast this machine is.
        var clock = new ManualClock();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).BuildServiceProvider();
        var context = new MiddlewareBuildContext(services, new TestSwapState(), RoutingTable.Empty);
        Assert.That(MiddlewareRegistry.TryCreate("default-cb", Config("NetworkErrorRatio() > 0.5", fallbackMs: 10_000, recoveryMs: 10_000, responseCode: 418),
            context, out var breaker, out var error), Is.True, error);
        Gateway.Use(breaker!);
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        using var http = Clients.Http();

        await TripAsync(client, failWith: 14, clock: clock); // UNAVAILABLE counts as a network error
        using (var fallback = await http.GetAsync(new Uri(Gateway.Http1Address, "/x")))
        {
            Assert.That((int)fallback.StatusCode, Is.EqualTo(418), "HTTP callers get responseCode");
        }

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.Unavailable), "still within fallbackDuration");

        // Recovering: halfway through recoveryDuration about half of the calls go through.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.Unavailable), "recovery starts at a share of 0");
        clock.Advance(TimeSpan.FromSeconds(5));
        var passed = 0;
        for (var i = 0; i < 10; i++)
        {
            passed += (await CallAsync(client)).Code == StatusCode.OK ? 1 : 0;
        }

        Assert.That(passed, Is.InRange(3, 7));

        // After recoveryDuration: standby, everything passes.
        clock.Advance(TimeSpan.FromSeconds(6));
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.OK));
        }
    }

    [Test]
    public async Task SlowAnswersTripALatencyBreaker()
    {
        Gateway.Use(Build.Middleware(Config("LatencyAtQuantileMS(50.0) > 100 && NetworkErrorRatio() < 0.5")));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.OK));
        await TripAsync(client, delayMs: 150);
        Assert.That((await CallAsync(client)).Code, Is.EqualTo(StatusCode.Unavailable));
    }

    [Test]
    public async Task EachRouterGetsItsOwnBreakerInTheTable()
    {
        await using var gw = await Core.Gateway.StartAsync();
        var table = Core.TestTables.Table(
            [Core.TestTables.Router("a", "svc", Core.TestTables.PathPrefix("/switchyard.test.Echo/Unary"), middlewares: ["default-cb"], priority: 10),
             Core.TestTables.Router("b", "svc", middlewares: ["default-cb"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = Core.TestTables.Lb("h2c", [Backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-cb"] = Config("ResponseCodeRatio(500, 600, 0, 600) > 0.5") });
        var result = gw.Host.Tables.Swap(table);
        Assert.That(result.Diagnostics, Is.Empty);
        var client = gw.Client();

        await Wait.UntilAsync(async () =>
        {
            try
            {
                await client.UnaryAsync(new EchoRequest { FailWithStatus = 13 });
                return false;
            }
            catch (RpcException ex)
            {
                return ex.Status.Detail.Contains("circuit breaker");
            }
        }, TimeSpan.FromSeconds(10), "router a's breaker trips");

        // Router b shares the Middleware but not the breaker: its calls still reach the backend.
        using var stream = client.ServerStream(new StreamRequest { Count = 1 });
        Assert.That(await stream.ResponseStream.MoveNext(), Is.True);
    }

    [TestCase("", "empty")]
    [TestCase("NetworkErrorRatio() >", "expected a number")]
    [TestCase("NetworkErrorRatio > 0.5", "expected '('")]
    [TestCase("ErrorRatio() > 0.5", "unknown function 'ErrorRatio'")]
    [TestCase("NetworkErrorRatio() > 0.5 &&", "expected NetworkErrorRatio()")]
    [TestCase("(NetworkErrorRatio() > 0.5", "expected ')'")]
    [TestCase("ResponseCodeRatio(600, 500, 0, 600) > 0.5", "from < to")]
    [TestCase("LatencyAtQuantileMS(150) > 100", "quantile")]
    [TestCase("NetworkErrorRatio() ~ 0.5", "comparison")]
    public void ABadExpressionIsRefusedWithAClearError(string expression, string reason)
    {
        // Parsed by the compiler into the table (issue 13.2): a bad one never reaches the data plane.
        var parsed = BreakerExpression.TryParse(expression, out var error);
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.Null);
            Assert.That(error, Does.Contain(reason));
        });
    }

    [Test]
    public void AHostileExpressionIsRefusedBeforeItCanExhaustTheStack()
    {
        // Parsing and evaluating are recursive: without bounds, deep nesting is a StackOverflowException, which .NET
        // cannot catch (the whole gateway would die on one manifest). Traefik bounds nothing; we refuse with a reason.
        const string Leaf = "NetworkErrorRatio()>1";
        var cases = new (string Expression, string Reason)[]
        {
            (new string('(', 200_000) + Leaf + new string(')', 200_000), "more than the gateway's bound of 1024"),
            (new string('(', 33) + Leaf + new string(')', 33), "parentheses are nested deeper than the gateway's bound of 32"),
            (string.Join("&&", Enumerable.Repeat(Leaf, 40)), "nests deeper than the gateway's bound of 32"),
            (string.Join("||", Enumerable.Repeat(Leaf, 40)), "nests deeper than the gateway's bound of 32"),
        };
        foreach (var (expression, reason) in cases)
        {
            Assert.Multiple(() =>
            {
                Assert.That(BreakerExpression.TryParse(expression, out var error), Is.Null);
                Assert.That(error, Does.Contain(reason));
            });
        }

        // The bounds leave room for real expressions: 32 levels of either kind still parse.
        Assert.That(BreakerExpression.TryParse(new string('(', 32) + Leaf + new string(')', 32), out _), Is.Not.Null);
        Assert.That(BreakerExpression.TryParse(string.Join("||", Enumerable.Repeat(Leaf, 32)), out _), Is.Not.Null);
    }

    [Test]
    public void TheExpressionLanguageEvaluatesAndOrAndParentheses()
    {
        var metrics = new BreakerMetrics();
        for (var i = 0; i < 10; i++)
        {
            metrics.Record(100, i < 3 ? 502 : 200, networkError: i < 3, TimeSpan.FromMilliseconds(i < 5 ? 10 : 300));
        }

        bool Eval(string e) => BreakerPredicate.Compile(BreakerExpression.Parse(e).Condition)(metrics.At(100));
        Assert.Multiple(() =>
        {
            Assert.That(Eval("NetworkErrorRatio() > 0.25"), Is.True);
            Assert.That(Eval("NetworkErrorRatio() >= 0.31"), Is.False);
            Assert.That(Eval("ResponseCodeRatio(500, 600, 0, 600) == 0.3"), Is.True);
            Assert.That(Eval("LatencyAtQuantileMS(50.0) < 20"), Is.True);
            Assert.That(Eval("LatencyAtQuantileMS(90) > 250"), Is.True);
            Assert.That(Eval("NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(90) > 250 && ResponseCodeRatio(200, 300, 0, 600) > 0.6"), Is.True);
            Assert.That(Eval("(NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(90) > 250) && ResponseCodeRatio(200, 300, 0, 600) > 0.8"), Is.False);
            Assert.That(BreakerPredicate.Compile(BreakerExpression.Parse("NetworkErrorRatio() > 0.1").Condition)(metrics.At(120)), Is.False, "old seconds leave the window");
        });
    }
}
