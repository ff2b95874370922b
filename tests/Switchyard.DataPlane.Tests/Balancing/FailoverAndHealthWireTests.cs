using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>Failover and active health checks (gRPC and HTTP modes, cleartext and TLS) through real sockets.</summary>
[CancelAfter(30_000)]
public sealed class FailoverAndHealthWireTests
{
    private const string EchoService = "switchyard.test.Echo";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);

    [Test]
    public async Task Failover_switches_when_main_has_no_healthy_server_and_back()
    {
        await using var main = await GrpcTestBackend.StartAsync("main");
        await using var fallback = await GrpcTestBackend.StartAsync("fallback");
        var table = Tables.With(
            ("main", Tables.Lb([Tables.H2c(main)], health: Tables.Grpc(Interval))),
            ("fallback", Tables.Lb([Tables.H2c(fallback)])),
            ("root", new FailoverService("main", "fallback")));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");
        var client = gateway.Client();
        Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("main"));

        main.Health.SetStatus("", ServingStatus.NotServing);
        await Wait.UntilAsync(async () => (await client.UnaryAsync(new EchoRequest())).Server == "fallback", TimeSpan.FromSeconds(5), "failover to fallback");
        var mainCalls = main.Calls;
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("fallback"));
        }

        Assert.That(main.Calls, Is.EqualTo(mainCalls));

        main.Health.SetStatus("", ServingStatus.Serving);
        await Wait.UntilAsync(async () => (await client.UnaryAsync(new EchoRequest())).Server == "main", TimeSpan.FromSeconds(5), "back to main");
    }

    [Test]
    public async Task Grpc_check_by_service_name_ejects_within_two_intervals_and_readmits()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a), Tables.H2c(b)], health: Tables.Grpc(Interval, EchoService))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        await AssertEjectAndReadmitAsync(gateway, a, b, $"h2c://127.0.0.1:{a.Port}");
    }

    [Test]
    public async Task Grpc_check_over_tls_with_private_ca_sni_and_client_certificate()
    {
        using var ca = TestCertificates.CreateCa();
        using var serverCert = TestCertificates.IssueServer(ca, "echo.backend.test");
        using var clientCert = TestCertificates.IssueClient(ca, "switchyard");
        var options = new GrpcTestBackendOptions { Certificate = serverCert, ClientCa = ca };
        await using var a = await GrpcTestBackend.StartAsync("a", options);
        await using var b = await GrpcTestBackend.StartAsync("b", options);
        var transport = ServersTransportConfig.Default with
        {
            ServerName = "echo.backend.test",
            RootCas = [PemCertificate.Parse("Secret default/backend-ca", TestCertificates.CertificatePem(ca))],
            ClientCertificates = [PemCertificate.Parse("Secret default/gateway-client", TestCertificates.CertificatePem(clientCert), TestCertificates.PrivateKeyPem(clientCert))],
        };
        var urls = new[] { $"https://127.0.0.1:{a.Port}", $"https://127.0.0.1:{b.Port}" };
        var table = Tables.With(
            [("svc", Tables.Lb(urls, scheme: "https", health: Tables.Grpc(Interval, EchoService), transport: "default-backend-tls"))],
            [("default-backend-tls", transport)]);
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        await AssertEjectAndReadmitAsync(gateway, a, b, urls[0]);
    }

    [Test]
    public async Task Grpc_check_without_the_ca_marks_tls_servers_unhealthy()
    {
        using var ca = TestCertificates.CreateCa();
        using var serverCert = TestCertificates.IssueServer(ca, "echo.backend.test");
        await using var a = await GrpcTestBackend.StartAsync("a", new GrpcTestBackendOptions { Certificate = serverCert });
        var table = Tables.With(("svc", Tables.Lb([$"https://127.0.0.1:{a.Port}"], scheme: "https", health: Tables.Grpc(Interval))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");

        await Wait.UntilAsync(() => !gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "untrusted server ejected");
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await gateway.Client().UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(ex.Status.Detail, Does.Contain("no healthy server"));
    }

    [Test]
    public async Task Http_check_with_a_wrong_status_ejects_and_a_good_one_readmits()
    {
        var healthA = new HealthEndpoint("/healthz");
        var healthB = new HealthEndpoint("/healthz");
        await using var a = await GrpcTestBackend.StartAsync("a", healthA.Options());
        await using var b = await GrpcTestBackend.StartAsync("b", healthB.Options());
        var check = Tables.Http(Interval, "/healthz") with { Headers = ImmutableSortedDictionary<string, string>.Empty.Add("X-Probe", "switchyard") };
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a), Tables.H2c(b)], health: check)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var client = gateway.Client();
        var changes = Subscribe(gateway);

        healthA.Status = 418;
        await Wait.UntilAsync(() => changes.Any(c => !c.Healthy), TimeSpan.FromSeconds(5), "a ejected");
        Assert.That(changes.Single().Reason, Is.EqualTo("HTTP 418"));
        Assert.That(changes.Single().Source, Is.EqualTo(HealthCheckSource.Active));
        var before = a.Calls;
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b"));
        }

        Assert.That(a.Calls, Is.EqualTo(before));
        healthA.Status = 200;
        await Wait.UntilAsync(() => changes.Any(c => c.Healthy), TimeSpan.FromSeconds(5), "a readmitted");
        var servers = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            servers.Add((await client.UnaryAsync(new EchoRequest())).Server);
        }

        Assert.That(servers, Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(healthA.LastProbeHeader, Is.EqualTo("switchyard"), "configured headers are sent");
    }

    [Test]
    public async Task Http_check_honours_port_override_and_hostname()
    {
        // The server takes calls on its own port; its health is served by a sidecar on another port.
        var sidecarHealth = new HealthEndpoint("/live");
        await using var sidecar = await GrpcTestBackend.StartAsync("sidecar", sidecarHealth.Options());
        await using var a = await GrpcTestBackend.StartAsync("a");
        var check = Tables.Http(Interval, "/live") with { Port = sidecar.Port, Hostname = "health.internal" };
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], health: check)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");

        await Wait.UntilAsync(() => sidecarHealth.Hits > 0, TimeSpan.FromSeconds(5), "check reaches the override port");
        Assert.That(sidecarHealth.LastHost, Is.EqualTo("health.internal"));
        sidecarHealth.Status = 500;
        await Wait.UntilAsync(() => !gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "ejected by the sidecar's answer");
        Assert.That(a.Calls, Is.Zero);
    }

    [Test]
    public async Task Http_check_that_times_out_ejects()
    {
        var health = new HealthEndpoint("/healthz");
        await using var a = await GrpcTestBackend.StartAsync("a", health.Options());
        var check = Tables.Http(Interval, "/healthz") with { Timeout = TimeSpan.FromMilliseconds(200) };
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], health: check)));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        var changes = Subscribe(gateway);

        health.Hang = true;
        await Wait.UntilAsync(() => !changes.IsEmpty, TimeSpan.FromSeconds(5), "ejected after a timeout");
        Assert.That(changes.Single().Reason, Is.EqualTo("timed out"));
        health.Hang = false;
        await Wait.UntilAsync(() => gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "readmitted");
    }

    [Test]
    public async Task Http_check_expecting_a_specific_status_ejects_on_any_other()
    {
        var health = new HealthEndpoint("/ready");
        await using var a = await GrpcTestBackend.StartAsync("a", health.Options());
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], health: Tables.Http(Interval, "/ready", status: 204))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");

        // 200 is a fine status in general, but not the one configured.
        await Wait.UntilAsync(() => !gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "ejected on 200 when 204 expected");
        health.Status = 204;
        await Wait.UntilAsync(() => gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "readmitted on 204");
        Assert.That(health.Hits, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task Health_state_survives_a_swap_with_unchanged_config_and_resets_when_it_changes()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        var table = Tables.With(("svc", Tables.Lb([Tables.H2c(a)], health: Tables.Grpc(Interval, EchoService))));
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        a.Health.SetStatus(EchoService, ServingStatus.NotServing);
        await Wait.UntilAsync(() => !gateway.Handler("svc").IsAvailable, TimeSpan.FromSeconds(5), "ejected");

        var oldKey = HealthCheckKeys.Active(Tables.H2c(a), Tables.Grpc(Interval, EchoService), "default", ServersTransportConfig.Default);
        Assert.That(gateway.State.Contains(oldKey), Is.True);

        gateway.Swap(table with { });
        Assert.That(gateway.Handler("svc").IsAvailable, Is.False, "same config: the ejection is kept, no fresh start");
        Assert.That(gateway.State.Contains(oldKey), Is.True);

        // Another service name to check: new checker, starts healthy (servers start healthy until a probe says otherwise).
        var other = Tables.Grpc(Interval, "");
        gateway.Swap(Tables.With(("svc", Tables.Lb([Tables.H2c(a)], health: other))));
        Assert.That(gateway.Handler("svc").IsAvailable, Is.True);
        Assert.That(gateway.State.Contains(oldKey), Is.False, "the old checker was released");
        Assert.That(gateway.State.Contains(HealthCheckKeys.Active(Tables.H2c(a), other, "default", ServersTransportConfig.Default)), Is.True);
    }

    private static ConcurrentQueue<ServerHealthChange> Subscribe(BalancingGateway gateway)
    {
        var changes = new ConcurrentQueue<ServerHealthChange>();
        gateway.Events.HealthChanged += (_, change) => changes.Enqueue(change);
        return changes;
    }

    /// <summary>
    /// a goes NOT_SERVING for the Echo service (the whole-server status stays SERVING, so the name matters):
    /// it must stop getting calls within two intervals, and get them again after SERVING.
    /// </summary>
    private static async Task AssertEjectAndReadmitAsync(BalancingGateway gateway, GrpcTestBackend a, GrpcTestBackend b, string urlA)
    {
        var client = gateway.Client();
        var changes = Subscribe(gateway);
        var seen = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            seen.Add((await client.UnaryAsync(new EchoRequest())).Server);
        }

        Assert.That(seen, Is.EquivalentTo(new[] { "a", "b" }));

        var clock = Stopwatch.StartNew();
        a.Health.SetStatus(EchoService, ServingStatus.NotServing);
        // Two intervals, plus slack for a probe round trip on a loaded 2-core machine.
        await Wait.UntilAsync(() => changes.Any(c => !c.Healthy), (2 * Interval) + TimeSpan.FromMilliseconds(500), "a ejected within two intervals");
        TestContext.Out.WriteLine($"ejected {clock.ElapsedMilliseconds} ms after NOT_SERVING (interval {Interval.TotalMilliseconds} ms)");
        var change = changes.Single();
        Assert.That(change.ServerUrl, Is.EqualTo(urlA));
        Assert.That(change.ServiceId, Is.EqualTo("svc"));
        Assert.That(change.Reason, Does.Contain("NotServing"));

        var before = a.Calls;
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b"));
        }

        Assert.That(a.Calls, Is.EqualTo(before));

        a.Health.SetStatus(EchoService, ServingStatus.Serving);
        await Wait.UntilAsync(() => changes.Count(c => c.Healthy) == 1, (2 * Interval) + TimeSpan.FromMilliseconds(500), "a readmitted");
        seen.Clear();
        for (var i = 0; i < 4; i++)
        {
            seen.Add((await client.UnaryAsync(new EchoRequest())).Server);
        }

        Assert.That(seen, Is.EquivalentTo(new[] { "a", "b" }));
    }
}
