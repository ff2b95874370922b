using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.Reliability.Tests.HostileClients;

/// <summary>
/// Issue 17.2: a rule regex with nested quantifiers must not let a client burn CPU. Traefik's RE2 runs in linear
/// time; so does the NonBacktracking engine every config regex runs on. The backtracking interpreter spent its
/// whole 1 s match timeout on each hostile path.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class RegexDosTests
{
    private static Router Route(string name, string rule, int priority)
    {
        var tree = RuleParser.Parse(rule).Expression ?? throw new InvalidOperationException("invalid rule " + rule);
        return new Router(name, ["web"], rule, priority, [], "svc", null, new ResourceRef("IngressRoute", "default", name), 0)
        {
            Matcher = RuleMatcherCompiler.Compile(tree),
            Expression = tree,
        };
    }

    [Test]
    public async Task HostilePathsAgainstANestedQuantifierCostNoMoreThanGoodCalls()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", new GrpcTestBackendOptions
        {
            Configure = app => app.MapFallback(ctx => ctx.Response.WriteAsync("ok")),
        });
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        await using var host = DataPlaneHost.Create(
            [new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }], loggerFactory);
        await host.StartAsync();
        var service = new LoadBalancerService([new ServerConfig("127.0.0.1", backend.Port)], BalancerStrategy.Wrr, ServerScheme.H2c,
            true, "default", TimeSpan.Zero, null, null, null);
        var table = RoutingTable.Empty with
        {
            Routers = [Route("evil", "PathRegexp(`^/(a+)+$`)", 100), Route("good", "PathPrefix(`/good`)", 10)],
            Services = RoutingTable.Empty.Services.Add("svc", service),
            ServersTransports = RoutingTable.Empty.ServersTransports.Add("default", ServersTransportConfig.Default),
        };
        Assert.That(host.Tables.Swap(table).Diagnostics, Is.Empty);

        var address = $"http://127.0.0.1:{host.Endpoint("web").Port}";
        var hostilePath = "/" + new string('a', 40) + "!"; // 2^40 ways to split the a's for a backtracking engine
        const int hostileCalls = 40;
        var hostileDone = 0;
        var hostileAnswers = new List<HttpStatusCode>();
        var good = 0;
        var goodFailed = 0;
        using var stop = new CancellationTokenSource();

        using var hostileClient = new HttpClient();
        using var goodClient = new HttpClient();
        var attacker = Task.Run(async () =>
        {
            for (var i = 0; i < hostileCalls; i++)
            {
                using var response = await hostileClient.GetAsync(address + hostilePath);
                hostileAnswers.Add(response.StatusCode);
                Interlocked.Increment(ref hostileDone);
            }
        });
        var caller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await goodClient.GetAsync(address + "/good");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref good);
                }
                else
                {
                    Interlocked.Increment(ref goodFailed);
                }
            }
        });

        await attacker;
        var goodWhileAttacked = Volatile.Read(ref good);
        await stop.CancelAsync();
        await caller;
        TestContext.Out.WriteLine($"good calls while {hostileCalls} hostile ones ran: {goodWhileAttacked}");

        Assert.Multiple(() =>
        {
            // Not a wall-clock margin: the attacker and a good caller run side by side, one call at a time each.
            // A hostile call that costs about what a good one costs lets ~1 good call through per hostile call; a
            // backtracking match (1 s of CPU each, until the timeout) let hundreds through per hostile call.
            Assert.That(goodWhileAttacked, Is.LessThan(hostileCalls * 10),
                $"{goodWhileAttacked} good calls completed while {hostileCalls} hostile ones did: the hostile ones are expensive");
            Assert.That(hostileAnswers, Has.All.EqualTo(HttpStatusCode.NotFound), "the hostile path matches no route and is answered");
            Assert.That(Volatile.Read(ref goodFailed), Is.Zero, "no good call failed");
        });
    }
}
