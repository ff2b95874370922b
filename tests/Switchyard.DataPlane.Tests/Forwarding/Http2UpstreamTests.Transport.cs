using Grpc.Core;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// A ServersTransport's forwardingTimeouts reach the data plane's upstream pools (Traefik's meanings,
/// pkg/server/service/transport.go): a real data plane with the switch on, calling a raw-frame backend.
/// </summary>
public sealed partial class Http2UpstreamTests
{
    private static async Task<Gateway> GatewayWithTransport(RawPeer peer, ForwardingTimeouts timeouts)
    {
        Http2UpstreamWiringTests.AssumeNotForcedOff();
        var gw = await Gateway.StartAsync(http2Upstream: true);
        var transport = ServersTransportConfig.Default with { Timeouts = timeouts };
        gw.Apply(Table([Router("grpc", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [new Uri($"h2c://127.0.0.1:{peer.Port}")], transport: "timeouts") },
            new Dictionary<string, ServersTransportConfig> { ["timeouts"] = transport }));
        return gw;
    }

    private static bool HasUpstreamPool(Gateway gw) =>
        gw.Host.Tables.Current.Generation.Keys.Any(k => k.StartsWith(UpstreamPoolLease.KeyPrefix, StringComparison.Ordinal));

    [Test]
    public async Task A_transports_readIdleTimeout_and_pingTimeout_ping_a_silent_backend_and_close_the_connection()
    {
        await using var peer = new RawPeer();
        await using var gw = await GatewayWithTransport(peer, ForwardingTimeouts.Default with
        {
            ReadIdleTimeout = TimeSpan.FromMilliseconds(100),
            PingTimeout = TimeSpan.FromMilliseconds(300),
        });

        var silent = gw.Client().UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        await c1.CallAsync();
        Assert.That(HasUpstreamPool(gw), Is.True, "a readIdleTimeout transport is the upstream client's, not YARP's");
        Assert.That(await c1.NextAsync(f => f.Type == FrameType.Ping), Is.Not.Null, "nothing read for readIdleTimeout: a PING goes out");
        var e = await Fails(async () => await silent);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable), "no PING ACK within pingTimeout: the connection is dead");
        Assert.That(await c1.NextAsync(_ => false), Is.Null, "the dead connection is closed");
    }

    [Test]
    public async Task A_transports_idleConnTimeout_closes_the_idle_connection_with_GOAWAY()
    {
        await using var peer = new RawPeer();
        await using var gw = await GatewayWithTransport(peer, ForwardingTimeouts.Default with { IdleConnTimeout = TimeSpan.FromMilliseconds(200) });

        var one = gw.Client().UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        var (s1, _) = await c1.CallAsync();
        await c1.AnswerAsync(s1, "one!");
        Assert.That((await one).Message, Is.EqualTo("one!"));
        Assert.That(HasUpstreamPool(gw), Is.True);
        var goAway = await c1.NextAsync(f => f.Type == FrameType.GoAway);
        Assert.That(goAway?.Code, Is.EqualTo(ErrorCode.NoError), "idle for idleConnTimeout: the connection says goodbye");
        Assert.That(await c1.NextAsync(_ => false), Is.Null);
    }

    [Test]
    public async Task Sub_second_ping_timeouts_are_served_on_the_yarp_path_too()
    {
        // Traefik takes any duration; SocketsHttpHandler refuses pings under a second, and once failed the whole table.
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(http2Upstream: false);
        var transport = ServersTransportConfig.Default with
        {
            Timeouts = ForwardingTimeouts.Default with { ReadIdleTimeout = TimeSpan.FromMilliseconds(100), PingTimeout = TimeSpan.FromMilliseconds(300) },
        };
        gw.Apply(Table([Router("grpc", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address], transport: "fast") },
            new Dictionary<string, ServersTransportConfig> { ["fast"] = transport }));

        Assert.That((await gw.Client().UnaryAsync(new EchoRequest { Message = "m" })).Server, Is.EqualTo("b1"));
    }

    [Test]
    public void The_pool_options_are_the_transports_forwardingTimeouts()
    {
        var timeouts = new ForwardingTimeouts(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(7));

        var options = UpstreamServers.Options(timeouts);

        Assert.That((options.DialTimeout, options.IdleConnTimeout, options.ReadIdleTimeout, options.PingTimeout),
            Is.EqualTo((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(7))));
    }
}
