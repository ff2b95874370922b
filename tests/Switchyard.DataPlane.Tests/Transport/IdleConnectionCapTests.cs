using System.Net.Http;
using Switchyard.DataPlane.Tests.Balancing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Transport;

/// <summary>
/// A positive ServersTransport maxIdleConnsPerHost bounds the idle HTTP/1.1 connections kept per server (Go's
/// Transport.MaxIdleConnsPerHost, Traefik pkg/server/service/transport.go): after a burst of four calls on four
/// connections, a cap of one leaves one connection open, which the next call reuses.
/// </summary>
[CancelAfter(60_000)]
public sealed class IdleConnectionCapTests
{
    [Test]
    public async Task After_a_burst_only_maxIdleConnsPerHost_connections_stay_idle_and_are_reused()
    {
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServer(ca, "backend.test");
        await using var backend = await TlsHttpBackend.StartAsync(certificate);
        var transport = ServersTransportConfig.Default with
        {
            ServerName = "backend.test",
            RootCas = [PemCertificate.Parse("Secret default/ca", TestCertificates.CertificatePem(ca))],
            DisableHttp2 = true,
            MaxIdleConnsPerHost = 1,
        };
        var table = Tables.With([("svc", Tables.Lb([backend.Url], scheme: "https", transport: "default-t"))], [("default-t", transport)]);
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true }) { Timeout = TimeSpan.FromSeconds(30) };

        // Four calls held by the backend: HTTP/1.1 needs four connections.
        var burst = Enumerable.Range(0, 4).Select(_ => SendAsync(client, gateway, "/slow")).ToArray();
        await Wait.UntilAsync(() => backend.Opened == 4, TimeSpan.FromSeconds(20), "four connections in use");
        backend.Release();
        var statuses = await Task.WhenAll(burst);
        await Wait.UntilAsync(() => backend.Closed == 3, TimeSpan.FromSeconds(20), "the three connections past the cap closed");

        var next = await SendAsync(client, gateway, "/");
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(200));
            Assert.That(next, Is.EqualTo(200));
            Assert.That(backend.Opened, Is.EqualTo(4), "the one idle connection was reused");
            Assert.That(backend.Closed, Is.EqualTo(3), "and kept");
        });
    }

    [Test]
    public async Task A_servers_counter_lives_only_while_calls_to_it_are_in_flight()
    {
        // The pool (and the cap in it) outlives table swaps: a counter per server ever called would grow with endpoint churn.
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServer(ca, "backend.test");
        await using var backend = await TlsHttpBackend.StartAsync(certificate);
        using var cap = new Switchyard.DataPlane.Forwarding.IdleConnectionCap(
            new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }, 1, http2Disabled: true);
        using var invoker = new HttpMessageInvoker(cap);

        var held = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, backend.Url + "/slow"), CancellationToken.None);
        await Wait.UntilAsync(() => backend.Opened == 1, TimeSpan.FromSeconds(20), "the held call's connection");
        Assert.That(cap.TrackedServers, Is.EqualTo(1), "a call in flight is counted");
        backend.Release();
        (await held).Dispose();
        Assert.That(cap.TrackedServers, Is.Zero, "the server's last call ended: nothing is kept for it");

        // Calls after that are counted anew (and the cap still applies: one in flight keeps its connection).
        using var again = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, backend.Url + "/"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That((int)again.StatusCode, Is.EqualTo(200));
            Assert.That(again.RequestMessage!.Headers.ConnectionClose, Is.Not.True, "the only call in flight keeps its connection");
            Assert.That(cap.TrackedServers, Is.Zero);
        });
    }

    private static async Task<int> SendAsync(HttpClient client, BalancingGateway gateway, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, path))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return (int)response.StatusCode;
    }
}
