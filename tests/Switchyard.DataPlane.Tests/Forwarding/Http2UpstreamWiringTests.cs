using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// The switch <c>dataPlane.http2Upstream</c> on a real data plane: h2c servers are called through the purpose-built
/// HTTP/2 client (its pool in the swap state holds the connection the calls used), with the YARP path's header rules
/// and deadlines; other servers stay on YARP. The rest of the data plane's tests run on this path when
/// SWITCHYARD_HTTP2_UPSTREAM=true.
/// </summary>
[CancelAfter(60_000)]
public sealed class Http2UpstreamWiringTests
{
    private static List<UpstreamPoolLease> Pools(Gateway gw)
    {
        var generation = gw.Host.Tables.Current.Generation;
        return [.. generation.Keys.Where(k => k.StartsWith(UpstreamPoolLease.KeyPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(k => generation.GetOrAdd<UpstreamPoolLease>(k, () => throw new AssertionException($"pool {k} vanished")))];
    }

    /// <summary>Tests of the switch on are inconclusive when the environment forces it off (SWITCHYARD_HTTP2_UPSTREAM=false runs).</summary>
    internal static void AssumeNotForcedOff() =>
        Assume.That(Http2UpstreamSwitch.Resolve(true), Is.True, "the environment forces the switch off");

    private static bool SwitchForcedByEnvironment() =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Http2UpstreamSwitch.EnvironmentVariable));

    [Test]
    public async Task With_the_switch_on_concurrent_h2c_calls_share_one_upstream_connection_with_the_header_rules()
    {
        AssumeNotForcedOff();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();

        var calls = Enumerable.Range(0, 20).Select(i => client.UnaryAsync(new EchoRequest { Message = "m" + i }, new Metadata { { "x-test", "42" } })).ToList();
        var replies = await Task.WhenAll(calls.Select(c => c.ResponseAsync));

        var pools = Pools(gw);
        Assert.Multiple(() =>
        {
            Assert.That(replies.Select(r => r.Message), Is.EqualTo(Enumerable.Range(0, 20).Select(i => "m" + i)));
            Assert.That(pools, Has.Count.EqualTo(1), "one pool: the backend's");
            Assert.That(pools[0].Pool.Connections, Has.Length.EqualTo(1), "the calls were multiplexed on the upstream client's one connection");
            Assert.That(backend.Calls, Is.EqualTo(20));
            var seen = replies[0].Headers;
            Assert.That(seen["x-test"], Is.EqualTo("42"));
            Assert.That(seen["te"], Is.EqualTo("trailers"));
            Assert.That(seen["x-forwarded-for"], Is.EqualTo("127.0.0.1"), "the peer appended by the proxy");
            Assert.That(seen["x-forwarded-proto"], Is.EqualTo("http"));
            Assert.That(seen[":authority"], Is.EqualTo($"127.0.0.1:{gw.Web.Port}"), "passHostHeader keeps the client's authority");
            Assert.That(calls[0].GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b1"));
        });
    }

    [Test]
    public async Task PassHostHeader_false_sends_the_servers_address_as_authority()
    {
        AssumeNotForcedOff();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        gw.Apply(Table([Router("grpc", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address], passHostHeader: false) }));

        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "m" });

        Assert.That(reply.Headers[":authority"], Is.EqualTo($"127.0.0.1:{backend.Port}"));
        Assert.That(Pools(gw).Single().Pool.Connections, Has.Length.EqualTo(1));
    }

    [Test]
    public async Task The_gateway_answers_an_expired_grpc_timeout_with_DEADLINE_EXCEEDED_and_resets_the_backends_stream()
    {
        AssumeNotForcedOff();
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        var e = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest { Message = "slow", DelayMs = 30_000 },
            deadline: DateTime.UtcNow.AddMilliseconds(300)));

        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        Assert.That(Pools(gw).Single().Pool.Connections, Has.Length.EqualTo(1), "the call went through the upstream client");
        await Wait.UntilAsync(() => backend.Cancellations == 1, TimeSpan.FromSeconds(10), "the backend's call to be cancelled (RST_STREAM), not left running");
    }

    [Test]
    public async Task A_refused_connection_is_UNAVAILABLE_and_the_next_server_answers()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var closed = ClosedPort.Get();
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [new Uri($"h2c://127.0.0.1:{closed}")]) }));

        var e = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest { Message = "m" }));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));

        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "m" });
        Assert.That(reply.Server, Is.EqualTo("b1"));
    }

    [Test]
    public async Task DialTimeout_bounds_the_connect_and_every_call_waiting_for_it_is_answered_DEADLINE_EXCEEDED()
    {
        AssumeNotForcedOff();
        using var hanging = await HangingListener.StartAsync();
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        var transport = ServersTransportConfig.Default with { Timeouts = ForwardingTimeouts.Default with { DialTimeout = TimeSpan.FromMilliseconds(300) } };
        gw.Apply(Table([Router("grpc", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [new Uri($"h2c://127.0.0.1:{hanging.Endpoint.Port}")], transport: "short") },
            new Dictionary<string, ServersTransportConfig> { ["short"] = transport }));
        var client = gw.Client();

        // Calls that find the pool dialling join that dial: its timeout is theirs too.
        var calls = Enumerable.Range(0, 4).Select(i => client.UnaryAsync(new EchoRequest { Message = $"m{i}" }).ResponseAsync).ToArray();
        var outcomes = await Task.WhenAll(calls.Select(async c => (await Assert.ThrowsAsync<RpcException>(async () => await c))!.StatusCode));

        Assert.That(outcomes, Is.All.EqualTo(StatusCode.DeadlineExceeded), "a dial timeout is a timeout (Traefik: 504), for every caller");
        Assert.That(Pools(gw), Has.Count.EqualTo(1), "the upstream client dialled");
    }

    [Test]
    public async Task Servers_named_by_DNS_and_http_services_stay_on_yarp()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: true);
        gw.Apply(Table([Router("grpc", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [new Uri($"h2c://localhost:{backend.Port}")]) }));

        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "m" });

        Assert.That(reply.Server, Is.EqualTo("b1"));
        Assert.That(Pools(gw), Is.Empty, "a DNS name is YARP's to resolve");
    }

    [Test]
    public async Task With_the_switch_off_h2c_calls_go_through_yarp()
    {
        Assume.That(SwitchForcedByEnvironment(), Is.False, "the environment forces the switch");
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: false);
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "m" });

        Assert.That(reply.Server, Is.EqualTo("b1"));
        Assert.That(Pools(gw), Is.Empty);
    }

    [Test]
    public void The_environment_variable_overrides_the_configured_value_both_ways()
    {
        Assume.That(SwitchForcedByEnvironment(), Is.False, "the environment forces the switch");
        try
        {
            Environment.SetEnvironmentVariable(Http2UpstreamSwitch.EnvironmentVariable, "true");
            Assert.That(Http2UpstreamSwitch.Resolve(false), Is.True);
            Environment.SetEnvironmentVariable(Http2UpstreamSwitch.EnvironmentVariable, "0");
            Assert.That(Http2UpstreamSwitch.Resolve(true), Is.False);
            Environment.SetEnvironmentVariable(Http2UpstreamSwitch.EnvironmentVariable, "maybe");
            Assert.That(Http2UpstreamSwitch.Resolve(true), Is.True, "an unreadable value leaves the configured one");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Http2UpstreamSwitch.EnvironmentVariable, null);
        }

        Assert.That(Http2UpstreamSwitch.Resolve(false), Is.False.And.EqualTo(new Http2UpstreamSwitch(false).Enabled));
    }
}
