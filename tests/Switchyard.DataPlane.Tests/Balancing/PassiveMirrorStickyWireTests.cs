using System.Collections.Concurrent;
using Grpc.Core;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>Passive health, mirroring and sticky cookies through real sockets.</summary>
[CancelAfter(30_000)]
public sealed class PassiveMirrorStickyWireTests
{
    [Test]
    public async Task Passive_check_ejects_after_n_unavailable_calls_for_the_failure_window()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        var window = TimeSpan.FromSeconds(1);
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], passive: new PassiveHealthCheckConfig(window, 3))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();
        var changes = new ConcurrentQueue<ServerHealthChange>();
        gateway.Events.HealthChanged += (_, c) => changes.Enqueue(c);

        for (var i = 0; i < 3; i++)
        {
            var fail = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { FailWithStatus = 14, FailMessage = "backend down" }));
            Assert.That(fail!.Status.Detail, Is.EqualTo("backend down"), "the backend's own error passes through");
        }

        // The 4th call never reaches the backend: the proxy answers UNAVAILABLE itself.
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(ex.Status.Detail, Does.Contain("no healthy server"));
        Assert.That(a.Calls, Is.EqualTo(3));
        Assert.That(changes.Single().Source, Is.EqualTo(HealthCheckSource.Passive));
        Assert.That(changes.Single().Reason, Is.EqualTo("3 failed call(s) within 1s"));

        // After the window the server is back.
        await Wait.UntilAsync(() => gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "readmitted after the window");
        Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("a"));
        Assert.That(changes.Last().Healthy, Is.True);
    }

    [Test]
    public async Task Passive_check_ignores_application_errors()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], passive: new PassiveHealthCheckConfig(TimeSpan.FromSeconds(10), 1))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        for (var i = 0; i < 5; i++)
        {
            // NOT_FOUND is the application's answer, not a sick server.
            await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { FailWithStatus = 5 }));
        }

        Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("a"));
    }

    [Test]
    public async Task Mirroring_copies_percent_of_calls_with_body_and_never_delays_the_main_answer()
    {
        var mirrorGate = new CallGate();
        await using var main = await GrpcTestBackend.StartAsync("main");
        await using var mirror = await GrpcTestBackend.StartAsync("mirror", mirrorGate.Options());
        var table = Tables.With(
            ("main", Tables.Lb([Tables.H2c(main)])),
            ("mirror", Tables.Lb([Tables.H2c(mirror)])),
            ("root", new MirroringService("main", [new MirrorTarget("mirror", 50)], MirrorBody: true, MaxBodySize: -1)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        // The mirror holds every copy (gate closed): main answers must still all arrive.
        for (var i = 0; i < 20; i++)
        {
            var reply = await client.UnaryAsync(new EchoRequest { Message = "m" + i }, deadline: DateTime.UtcNow.AddSeconds(5));
            Assert.That(reply.Server, Is.EqualTo("main"));
            Assert.That(reply.Message, Is.EqualTo("m" + i));
        }

        await Wait.UntilAsync(() => mirrorGate.Waiting == 10, TimeSpan.FromSeconds(5), "10 copies (50%) held at the mirror");
        mirrorGate.Open();

        // Calls counts only requests whose body parsed as an EchoRequest: the bodies were copied.
        await Wait.UntilAsync(() => mirror.Calls == 10, TimeSpan.FromSeconds(5), "mirror handled 10 copies");
        Assert.That(main.Calls, Is.EqualTo(20));
    }

    [Test]
    public async Task Mirroring_without_body_sends_the_request_head_at_once()
    {
        var mirrorGate = new CallGate();
        await using var main = await GrpcTestBackend.StartAsync("main");
        await using var mirror = await GrpcTestBackend.StartAsync("mirror", mirrorGate.Options());
        var table = Tables.With(
            ("main", Tables.Lb([Tables.H2c(main)])),
            ("mirror", Tables.Lb([Tables.H2c(mirror)])),
            ("root", new MirroringService("main", [new MirrorTarget("mirror", 100)], MirrorBody: false, MaxBodySize: -1)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        for (var i = 0; i < 5; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest { Message = "x" })).Server, Is.EqualTo("main"));
        }

        // Every copy reached the mirror (held at its gate); without a body none parses as an Echo call there.
        await Wait.UntilAsync(() => mirrorGate.Waiting == 5, TimeSpan.FromSeconds(5), "5 copies at the mirror");
        mirrorGate.Open();
        await Wait.UntilAsync(() => mirrorGate.Waiting == 0, TimeSpan.FromSeconds(5), "copies answered");
        Assert.That(mirror.Calls, Is.Zero);
    }

    [Test]
    public async Task Mirroring_skips_bodies_over_max_size_and_failing_mirrors_do_not_fail_main()
    {
        await using var main = await GrpcTestBackend.StartAsync("main");
        await using var mirror = await GrpcTestBackend.StartAsync("mirror");
        var table = Tables.With(
            ("main", Tables.Lb([Tables.H2c(main)])),
            ("mirror", Tables.Lb([Tables.H2c(mirror)])),
            ("dead", Tables.Lb(["h2c://127.0.0.1:1"])),
            ("root", new MirroringService("main", [new MirrorTarget("mirror", 100), new MirrorTarget("dead", 100)], MirrorBody: true, MaxBodySize: 64)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        await client.UnaryAsync(new EchoRequest { Message = "small" });
        await client.UnaryAsync(new EchoRequest { Message = "big", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[1000]) });
        await client.UnaryAsync(new EchoRequest { Message = "small again" });

        await Wait.UntilAsync(() => mirror.Calls == 2, TimeSpan.FromSeconds(5), "the two small calls mirrored");
        Assert.That(main.Calls, Is.EqualTo(3));
    }

    [Test]
    public async Task Sticky_cookie_pins_a_client_to_one_server()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var sticky = new StickyCookie("sy_pin", Secure: false, HttpOnly: true, SameSite: "lax", MaxAge: 60, Path: "/", Domain: null);
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a), Tables.H2c(b)], sticky: sticky)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();

        var first = client.UnaryAsync(new EchoRequest());
        var headers = await first.ResponseHeadersAsync;
        var pinned = (await first.ResponseAsync).Server;
        var setCookie = headers.GetValue("set-cookie");
        Assert.That(setCookie, Does.StartWith("sy_pin="));
        Assert.That(setCookie, Does.Contain("max-age=60").IgnoreCase.And.Contain("httponly").IgnoreCase.And.Contain("samesite=lax").IgnoreCase);
        Assert.That(setCookie, Does.Not.Contain("127.0.0.1"), "no server address leaks to clients");
        var cookie = setCookie!.Split(';')[0];

        for (var i = 0; i < 10; i++)
        {
            var call = client.UnaryAsync(new EchoRequest(), new Metadata { { "cookie", cookie } });
            Assert.That((await call.ResponseAsync).Server, Is.EqualTo(pinned));
            Assert.That((await call.ResponseHeadersAsync).GetValue("set-cookie"), Is.Null, "a valid cookie is not re-set");
        }

        // Without the cookie the balancer alternates as usual.
        var servers = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            servers.Add((await client.UnaryAsync(new EchoRequest())).Server);
        }

        Assert.That(servers, Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Sticky_cookie_on_a_weighted_service_pins_a_child()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var sticky = new StickyCookie("sy_w", false, false, "", 0, "/", null);
        var table = Tables.With(
            ("svc-a", Tables.Lb([Tables.H2c(a)])),
            ("svc-b", Tables.Lb([Tables.H2c(b)])),
            ("root", new WeightedService([new WeightedChild("svc-a", 1), new WeightedChild("svc-b", 1)], sticky)));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();

        var first = client.UnaryAsync(new EchoRequest());
        var cookie = (await first.ResponseHeadersAsync).GetValue("set-cookie")!.Split(';')[0];
        var pinned = (await first.ResponseAsync).Server;
        for (var i = 0; i < 6; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest(), new Metadata { { "cookie", cookie } })).Server, Is.EqualTo(pinned));
        }
    }
}
