using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Switchyard.DataPlane.Tests.Balancing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Transport;

/// <summary>
/// Every ServersTransport option on real sockets: the gateway (real YARP forwarder and connection pools) calls real
/// Kestrel HTTPS backends whose certificates are made here. Traefik's meaning: pkg/server/service/transport.go and
/// pkg/tls/certificate.go (VerifyPeerCertificate).
/// </summary>
[CancelAfter(60_000)]
public sealed class ServersTransportForwardingTests
{
    private static X509Certificate2 _ca = null!;
    private static X509Certificate2 _server = null!;

    [OneTimeSetUp]
    public void MakeCertificates()
    {
        _ca = TestCertificates.CreateCa();
        _server = TestCertificates.IssueServer(_ca, "backend.test");
    }

    [OneTimeTearDown]
    public void DisposeCertificates()
    {
        _server.Dispose();
        _ca.Dispose();
    }

    private static PemCertificate CaPem => PemCertificate.Parse("Secret default/ca", TestCertificates.CertificatePem(_ca));

    private static ServersTransportConfig Trusting => ServersTransportConfig.Default with { RootCas = [CaPem] };

    [Test]
    public async Task RootCAs_and_serverName_verify_the_backend_and_a_wrong_name_or_no_ca_is_refused()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server);
        {
            Assert.That(await CallAsync(backend, Trusting with { ServerName = "backend.test" }), Is.EqualTo((200, "HTTP/2 client=")));
            Assert.That((await CallAsync(backend, Trusting with { ServerName = "other.test" })).Status, Is.EqualTo(502), "serverName is the name verified");
            Assert.That((await CallAsync(backend, ServersTransportConfig.Default with { ServerName = "backend.test" })).Status, Is.EqualTo(502),
                "without rootCAs the private CA is not trusted");
        }
    }

    [Test]
    public async Task InsecureSkipVerify_accepts_an_untrusted_certificate()
    {
        using var selfSigned = TestCertificates.SelfSigned("nobody.test");
        await using var backend = await TlsHttpBackend.StartAsync(selfSigned);
        Assert.That((await CallAsync(backend, ServersTransportConfig.Default)).Status, Is.EqualTo(502));
        Assert.That((await CallAsync(backend, ServersTransportConfig.Default with { InsecureSkipVerify = true })).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task Client_certificates_give_mtls_to_a_backend_that_requires_one()
    {
        using var client = TestCertificates.IssueClient(_ca, "switchyard-gateway");
        await using var backend = await TlsHttpBackend.StartAsync(_server, o =>
        {
            o.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            o.ClientCertificateValidation = (cert, _, _) => ChainsToCa(cert);
        });
        var clientPem = PemCertificate.Parse("Secret default/client", TestCertificates.CertificatePem(client), TestCertificates.PrivateKeyPem(client));

        Assert.That((await CallAsync(backend, Trusting)).Status, Is.EqualTo(502), "no client certificate: the backend refuses the handshake");
        Assert.That(await CallAsync(backend, Trusting with { ClientCertificates = [clientPem] }), Is.EqualTo((200, "HTTP/2 client=CN=switchyard-gateway")));
    }

    [Test]
    public async Task PeerCertURI_must_match_a_uri_san_and_still_verifies_the_chain_under_insecureSkipVerify()
    {
        using var withUri = TestCertificates.IssueServerWithUri(_ca, "spiffe://cluster.local/ns/default/sa/backend", "backend.test");
        await using var backend = await TlsHttpBackend.StartAsync(withUri);
        var pinned = Trusting with { InsecureSkipVerify = true, PeerCertUri = "spiffe://cluster.local/ns/default/sa/backend" };

        {
            Assert.That((await CallAsync(backend, pinned)).Status, Is.EqualTo(200));
            Assert.That((await CallAsync(backend, pinned with { PeerCertUri = "spiffe://cluster.local/ns/default/sa/other" })).Status, Is.EqualTo(502),
                "a certificate without that URI SAN is refused");
            Assert.That((await CallAsync(backend, pinned with { RootCas = [] })).Status, Is.EqualTo(502),
                "peerCertURI verifies the chain even with insecureSkipVerify (Traefik's VerifyPeerCertificate)");
        }
    }

    [Test]
    public async Task DisableHTTP2_talks_http11_to_a_backend_that_offers_h2()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server);
        Assert.That((await CallAsync(backend, Trusting)).Body, Does.StartWith("HTTP/2 "));
        Assert.That((await CallAsync(backend, Trusting with { DisableHttp2 = true })).Body, Does.StartWith("HTTP/1.1 "));
    }

    [Test]
    public async Task MinVersion_above_what_the_backend_speaks_fails_and_maxVersion_caps_it()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server, o => o.SslProtocols = SslProtocols.Tls12);
        {
            Assert.That((await CallAsync(backend, Trusting)).Status, Is.EqualTo(200), "default: TLS 1.2 to 1.3");
            Assert.That((await CallAsync(backend, Trusting with { MinVersion = "VersionTLS13" })).Status, Is.EqualTo(502));
            Assert.That((await CallAsync(backend, Trusting with { MaxVersion = "VersionTLS12" })).Status, Is.EqualTo(200));
        }

        await using var tls13 = await TlsHttpBackend.StartAsync(_server, o => o.SslProtocols = SslProtocols.Tls13);
        Assert.That((await CallAsync(tls13, Trusting with { MaxVersion = "VersionTLS12" })).Status, Is.EqualTo(502));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // CipherSuitesPolicy: Linux and macOS
    public async Task CipherSuites_offer_only_the_listed_suites()
    {
        // A TLS 1.2 backend that accepts one suite (its certificate is ECDSA).
        await using var backend = await TlsHttpBackend.StartAsync(_server, o =>
        {
            o.SslProtocols = SslProtocols.Tls12;
            o.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]);
        });
        Assert.That((await CallAsync(backend, Trusting with { CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] })).Status, Is.EqualTo(502));
        Assert.That((await CallAsync(backend, Trusting with { CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] })).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task ResponseHeaderTimeout_answers_504_while_the_backend_still_holds_its_headers()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server);
        var transport = Trusting with { Timeouts = ForwardingTimeouts.Default with { ResponseHeaderTimeout = TimeSpan.FromMilliseconds(300) } };
        var (status, _) = await CallAsync(backend, transport, "/slow");
        Assert.That(status, Is.EqualTo(504));
        Assert.That(backend.SlowAnswered, Is.False, "the gateway answered before the backend sent its headers");
    }

    [Test]
    public async Task A_chunk_reaches_the_caller_before_the_backend_ends_whatever_the_flushInterval()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server);
        var service = Tables.Lb([backend.Url], scheme: "https", transport: "default-t") with { FlushInterval = TimeSpan.FromMinutes(5) };
        await using var gateway = await BalancingGateway.StartAsync(Tables.With([("svc", service)], [("default-t", Trusting)]), "svc");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, "/stream"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var first = await body.ReadAsync(buffer);
        Assert.That(System.Text.Encoding.ASCII.GetString(buffer, 0, first), Is.EqualTo("first;"), "the first chunk arrived while the backend still holds the rest");
        backend.Release();
        Assert.That(await new StreamReader(body).ReadToEndAsync(), Is.EqualTo("second"));
    }

    [Test]
    public async Task IdleConnTimeout_closes_an_idle_connection_and_the_next_call_opens_a_new_one()
    {
        await using var backend = await TlsHttpBackend.StartAsync(_server);
        var transport = Trusting with { Timeouts = ForwardingTimeouts.Default with { IdleConnTimeout = TimeSpan.FromMilliseconds(200) } };
        await using var gateway = await GatewayFor(backend, transport);
        Assert.That((await SendAsync(gateway)).Status, Is.EqualTo(200));
        await Wait.UntilAsync(() => backend.Closed == 1, TimeSpan.FromSeconds(20), "the idle backend connection closed by the gateway");
        Assert.That((await SendAsync(gateway)).Status, Is.EqualTo(200));
        Assert.That(backend.Opened, Is.EqualTo(2));
    }

    [Test]
    public async Task MaxIdleConnsPerHost_minus_one_keeps_no_idle_connection_while_the_default_reuses_one()
    {
        await using var pooled = await TlsHttpBackend.StartAsync(_server);
        await using (var gateway = await GatewayFor(pooled, Trusting with { DisableHttp2 = true }))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.That((await SendAsync(gateway)).Status, Is.EqualTo(200));
            }

            Assert.That(pooled.Opened, Is.EqualTo(1), "default maxIdleConnsPerHost: the connection is reused");
        }

        await using var unpooled = await TlsHttpBackend.StartAsync(_server);
        await using (var gateway = await GatewayFor(unpooled, Trusting with { DisableHttp2 = true, MaxIdleConnsPerHost = -1 }))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.That((await SendAsync(gateway)).Status, Is.EqualTo(200));
            }

            Assert.That(unpooled.Opened, Is.EqualTo(3), "-1: every call has its own connection");
            await Wait.UntilAsync(() => unpooled.Closed == 3, TimeSpan.FromSeconds(20), "no connection stays idle");
        }
    }

    [Test]
    public async Task DialTimeout_gives_up_on_a_server_that_never_completes_the_handshake()
    {
        using var hanging = await HangingListener.StartAsync();
        var url = $"https://127.0.0.1:{hanging.Endpoint.Port}";
        await using var slowDial = await BalancingGateway.StartAsync(Table(url, Trusting), "svc");
        await using var shortDial = await BalancingGateway.StartAsync(
            Table(url, Trusting with { Timeouts = ForwardingTimeouts.Default with { DialTimeout = TimeSpan.FromMilliseconds(300) } }), "svc");

        using var cancelSlow = new CancellationTokenSource();
        var slow = SendAsync(slowDial, cancelSlow.Token);
        var (status, _) = await SendAsync(shortDial);
        Assert.That(status, Is.EqualTo(504), "a dial timeout is a timeout: 504, as Traefik's proxy answers a net.Error timeout");
        Assert.That(slow.IsCompleted, Is.False, "the default 30s dialTimeout is still waiting when the 300ms one has given up");
        await cancelSlow.CancelAsync();
    }

    private static bool ChainsToCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static RoutingTable Table(string url, ServersTransportConfig transport) =>
        Tables.With([("svc", Tables.Lb([url], scheme: "https", transport: "default-t"))], [("default-t", transport)]);

    private static Task<BalancingGateway> GatewayFor(TlsHttpBackend backend, ServersTransportConfig transport) =>
        BalancingGateway.StartAsync(Table(backend.Url, transport), "svc");

    /// <summary>One call through a fresh gateway (fresh connection pool) using <paramref name="transport"/>.</summary>
    private static async Task<(int Status, string Body)> CallAsync(TlsHttpBackend backend, ServersTransportConfig transport, string path = "/")
    {
        await using var gateway = await GatewayFor(backend, transport);
        return await SendAsync(gateway, CancellationToken.None, path);
    }

    private static async Task<(int Status, string Body)> SendAsync(BalancingGateway gateway, CancellationToken cancellationToken = default, string path = "/")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
