using System.Collections.Concurrent;
using System.Net.Http;
using Switchyard.DataPlane.Tests.Balancing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Transport;

/// <summary>
/// ServersTransport serverName is the SNI sent to a TLS backend and the name its certificate is verified against (Go's
/// tls.Config.ServerName in Traefik pkg/server/service/transport.go), whatever the Host header, over HTTP/2 and
/// HTTP/1.1; the backend records the SNI of each handshake.
/// </summary>
[CancelAfter(60_000)]
public sealed class ServerNameSniTests
{
    [Test]
    public async Task ServerName_is_the_sni_sent_and_the_name_verified_over_h2_and_http11()
    {
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServer(ca, "backend.test");
        var sni = new ConcurrentQueue<string>();
        await using var backend = await TlsHttpBackend.StartAsync(certificate, tls => tls.ServerCertificateSelector = (_, name) =>
        {
            sni.Enqueue(name ?? "(none)");
            return certificate;
        });
        var trusting = ServersTransportConfig.Default with
        {
            ServerName = "backend.test",
            RootCas = [PemCertificate.Parse("Secret default/ca", TestCertificates.CertificatePem(ca))],
        };

        var h2 = await CallAsync(backend, trusting, host: "app.example.com");
        var http11 = await CallAsync(backend, trusting with { DisableHttp2 = true }, host: "app.example.com");
        var wrongName = await CallAsync(backend, trusting with { ServerName = "other.test" }, host: "backend.test");
        var withoutServerName = await CallAsync(backend, trusting with { ServerName = null }, host: "backend.test");

        Assert.Multiple(() =>
        {
            Assert.That(h2, Is.EqualTo((200, "HTTP/2 client=")));
            Assert.That(http11, Is.EqualTo((200, "HTTP/1.1 client=")));
            Assert.That(wrongName.Status, Is.EqualTo(502), "other.test is both the SNI and the name the certificate fails");
            Assert.That(withoutServerName.Status, Is.EqualTo(200), "without serverName the request's host is sent and verified");
            Assert.That(sni, Is.EqualTo(new[] { "backend.test", "backend.test", "other.test", "backend.test" }),
                "one handshake per gateway, each with serverName as its SNI, never the caller's Host app.example.com");
        });
    }

    /// <summary>One call through a fresh gateway (fresh pool) with <paramref name="host"/> as the Host passed to the backend.</summary>
    private static async Task<(int Status, string Body)> CallAsync(TlsHttpBackend backend, ServersTransportConfig transport, string host)
    {
        var table = Tables.With([("svc", Tables.Lb([backend.Url], scheme: "https", transport: "default-t"))], [("default-t", transport)]);
        await using var gateway = await BalancingGateway.StartAsync(table, "svc");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, "/"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
