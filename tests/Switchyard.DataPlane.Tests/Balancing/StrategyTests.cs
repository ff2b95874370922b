using System.Net;
using Switchyard.DataPlane.Balancers;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>Pure tests of the balancing strategies (no sockets: they pick indexes).</summary>
[CancelAfter(10_000)]
public sealed class StrategyTests
{
    private static BalancedServer Server(string url, int weight = 1, bool terminating = false, ServerHealthState? active = null) =>
        new(BackendServers.From(Core.TestTables.Server(url, weight, terminating), ServerScheme.H2c), active);

    private static BalancedServer[] Servers(params int[] weights) =>
        [.. weights.Select((w, i) => Server($"h2c://10.0.0.{i + 1}:5000", w))];

    private static string Sequence(IBalancer balancer, int picks) =>
        string.Concat(Enumerable.Range(0, picks).Select(_ => (char)('a' + balancer.Pick(null, 0))));

    [Test]
    public void Wrr_interleaves_heavy_servers_smoothly()
    {
        var wrr = new WeightedRoundRobinBalancer(Servers(5, 1, 1));

        // nginx's smooth sequence: the heavy server never runs more than twice in a row.
        Assert.That(Sequence(wrr, 14), Is.EqualTo("aabacaa" + "aabacaa"));
    }

    [Test]
    public void Wrr_gives_exact_proportions_over_every_cycle()
    {
        var wrr = new WeightedRoundRobinBalancer(Servers(3, 2, 1, 4));
        var counts = new int[4];
        for (var i = 0; i < 10 * 100; i++)
        {
            counts[wrr.Pick(null, 0)]++;
        }

        Assert.That(counts, Is.EqualTo(new[] { 300, 200, 100, 400 }));
    }

    [Test]
    public void Wrr_skips_unhealthy_and_terminating_servers_and_reports_none_left()
    {
        var sick = new ServerHealthState();
        var servers = new[] { Server("h2c://a:1", 1, active: sick), Server("h2c://b:1", 1, terminating: true), Server("h2c://c:1") };
        var wrr = new WeightedRoundRobinBalancer(servers);

        Assert.That(Sequence(wrr, 4), Is.EqualTo("acac"), "terminating server b gets no new calls");
        sick.Set(false);
        Assert.That(Sequence(wrr, 4), Is.EqualTo("cccc"));
        var dead = new ServerHealthState();
        dead.Set(false);
        Assert.That(new WeightedRoundRobinBalancer([Server("h2c://x:1", active: dead)]).Pick(null, 0), Is.EqualTo(-1));
    }

    [Test]
    public void Wrr_gives_a_recovered_server_no_burst()
    {
        var health = new ServerHealthState();
        var servers = new[] { Server("h2c://a:1", active: health), Server("h2c://b:1") };
        var wrr = new WeightedRoundRobinBalancer(servers);
        health.Set(false);
        Assert.That(Sequence(wrr, 10), Is.EqualTo("bbbbbbbbbb"));

        health.Set(true);

        // Back to strict alternation, not "aaaaa" to catch up on missed turns.
        var after = Sequence(wrr, 10);
        Assert.That(after.Count(c => c == 'a'), Is.EqualTo(5));
        Assert.That(after, Does.Not.Contain("aa"));
    }

    [Test]
    public void P2c_never_picks_the_busiest_of_three_and_spreads_over_the_rest()
    {
        var servers = Servers(1, 1, 1);
        for (var i = 0; i < 5; i++)
        {
            servers[0].CallStarted();
        }

        var p2c = new PowerOfTwoChoicesBalancer(servers, new Random(42));
        var counts = new int[3];
        for (var i = 0; i < 1000; i++)
        {
            counts[p2c.Pick(null, 0)]++;
        }

        Assert.That(counts[0], Is.Zero);
        Assert.That(counts[1], Is.InRange(400, 600));
        Assert.That(counts[2], Is.InRange(400, 600));
    }

    [Test]
    public void P2c_with_two_servers_always_picks_the_idle_one()
    {
        var servers = Servers(1, 1);
        servers[1].CallStarted();
        var p2c = new PowerOfTwoChoicesBalancer(servers, new Random(7));

        Assert.That(Enumerable.Range(0, 100).Select(_ => p2c.Pick(null, 0)), Is.All.EqualTo(0));
        servers[1].CallEnded();
        servers[0].CallStarted();
        Assert.That(Enumerable.Range(0, 100).Select(_ => p2c.Pick(null, 0)), Is.All.EqualTo(1));
    }

    [Test]
    public void Hrw_pins_each_client_ip_and_moves_only_the_clients_of_a_removed_server()
    {
        var health = Enumerable.Range(0, 4).Select(_ => new ServerHealthState()).ToArray();
        var servers = health.Select((h, i) => Server($"h2c://10.0.0.{i + 1}:5000", active: h)).ToArray();
        var hrw = new RendezvousHashBalancer(servers);
        var clients = Enumerable.Range(0, 2000).Select(i => new IPAddress([192, 168, (byte)(i / 256), (byte)(i % 256)])).ToArray();

        var before = clients.Select(ip => hrw.Pick(ip, 0)).ToArray();
        Assert.That(clients.Select(ip => hrw.Pick(ip, 0)), Is.EqualTo(before), "same IP, same server");
        for (var s = 0; s < 4; s++)
        {
            Assert.That(before.Count(b => b == s), Is.InRange(400, 600), $"server {s} share");
        }

        health[2].Set(false);
        var after = clients.Select(ip => hrw.Pick(ip, 0)).ToArray();
        for (var i = 0; i < clients.Length; i++)
        {
            if (before[i] != 2)
            {
                Assert.That(after[i], Is.EqualTo(before[i]), $"client {clients[i]} moved although its server stayed");
            }
            else
            {
                Assert.That(after[i], Is.Not.EqualTo(2));
            }
        }
    }

    [Test]
    public void Hrw_respects_weights_and_treats_mapped_ipv4_as_ipv4()
    {
        var hrw = new RendezvousHashBalancer(Servers(3, 1));
        var ones = 0;
        for (var i = 0; i < 4000; i++)
        {
            ones += hrw.Pick(new IPAddress([10, 1, (byte)(i / 256), (byte)(i % 256)]), 0);
        }

        Assert.That(ones / 4000.0, Is.EqualTo(0.25).Within(0.04));
        var v4 = IPAddress.Parse("172.16.5.9");
        Assert.That(hrw.Pick(v4.MapToIPv6(), 0), Is.EqualTo(hrw.Pick(v4, 0)));
    }

    [Test]
    public void LeastTime_tries_unmeasured_servers_first_then_prefers_the_fastest_adjusted_for_load()
    {
        var servers = Servers(1, 1);
        var lt = new LeastTimeBalancer(servers);
        servers[0].RecordDuration(10_000, 0);

        Assert.That(lt.Pick(null, 0), Is.EqualTo(1), "unmeasured server first");
        servers[1].RecordDuration(1_000, 0);
        Assert.That(Enumerable.Range(0, 20).Select(_ => lt.Pick(null, 0)), Is.All.EqualTo(1), "faster server");

        // 1000 ticks × (10 + 1) in flight > 10000 × 1: the slow but idle server wins.
        for (var i = 0; i < 10; i++)
        {
            servers[1].CallStarted();
        }

        Assert.That(lt.Pick(null, 0), Is.EqualTo(0));
    }

    [Test]
    public void LeastTime_retries_a_server_whose_slow_measurement_went_stale()
    {
        var servers = Servers(1, 1);
        var lt = new LeastTimeBalancer(servers);
        var second = TimeProvider.System.TimestampFrequency;
        servers[0].RecordDuration(10_000, 0); // one slow answer, then no calls
        servers[1].RecordDuration(1_000, 4 * second); // fresh

        Assert.That(lt.Pick(null, 4 * second), Is.EqualTo(0), "10000 halved 4 times (625) beats a fresh 1000");
        Assert.That(lt.Pick(null, 2 * second), Is.EqualTo(1), "after 2 half-lives (2500) it does not");
    }

    [Test]
    public void LeastTime_rotates_between_equal_servers()
    {
        var servers = Servers(1, 1, 1);
        foreach (var s in servers)
        {
            s.RecordDuration(500, 0);
        }

        var lt = new LeastTimeBalancer(servers);
        var picks = Enumerable.Range(0, 300).Select(_ => lt.Pick(null, 0)).ToArray();
        Assert.That(picks.Distinct().Count(), Is.EqualTo(3));
        Assert.That(picks.Count(p => p == 0), Is.EqualTo(100));
    }

    [TestCase(BalancerStrategy.Wrr)]
    [TestCase(BalancerStrategy.P2c)]
    [TestCase(BalancerStrategy.Hrw)]
    [TestCase(BalancerStrategy.LeastTime)]
    public void Picks_do_not_allocate(BalancerStrategy strategy)
    {
        var health = new ServerHealthState();
        var passive = new PassiveHealthState(new PassiveHealthCheckConfig(TimeSpan.FromSeconds(10), 3), TimeProvider.System, (_, _) => { });
        var servers = Enumerable.Range(0, 8)
            .Select(i => new BalancedServer(BackendServers.From(new ServerConfig($"10.0.0.{i}", 5000, i + 1), ServerScheme.H2c), health, passive))
            .ToArray();
        var balancer = BalancerFactory.Create(strategy, servers, TimeProvider.System);
        var mapped = IPAddress.Parse("10.9.8.7").MapToIPv6();
        balancer.Pick(mapped, 1); // JIT and first-use costs

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            balancer.Pick(mapped, i);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Passive_state_ejects_after_max_failures_within_the_window_and_recovers_after_it()
    {
        var time = TimeProvider.System;
        var second = time.TimestampFrequency;
        var transitions = new List<(bool Healthy, string Reason)>();
        var passive = new PassiveHealthState(new PassiveHealthCheckConfig(TimeSpan.FromSeconds(10), 3), time, (h, r) => transitions.Add((h, r)));
        const long t0 = 1_000_000;

        passive.RecordFailure(t0);
        passive.RecordFailure(t0 + (11 * second)); // the first one has left the window
        passive.RecordFailure(t0 + (12 * second));
        Assert.That(passive.IsEjected(t0 + (12 * second)), Is.False);

        passive.RecordFailure(t0 + (13 * second));
        Assert.That(passive.IsEjected(t0 + (13 * second)), Is.True);
        Assert.That(passive.IsEjected(t0 + (22 * second)), Is.True);
        Assert.That(passive.IsEjected(t0 + (23 * second)), Is.False, "ejected for exactly one window");
        Assert.That(transitions, Is.EqualTo(new[] { (false, "3 failed call(s) within 10s"), (true, "failure window of 10s ended") }));
    }
}
