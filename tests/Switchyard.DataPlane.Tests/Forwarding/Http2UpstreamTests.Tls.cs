using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>The upstream over TLS with ALPN h2, as a ServersTransport with rootCAs, serverName and a client certificate sets it up.</summary>
public sealed partial class Http2UpstreamTests
{
    private static SslClientAuthenticationOptions TrustOnly(X509Certificate2 root, string serverName, X509Certificate2? client = null) => new()
    {
        TargetHost = serverName,
        ClientCertificates = client is null ? null : new X509CertificateCollection { client },
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { root },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    [Test]
    public async Task Calls_reach_a_TLS_backend_over_h2_with_the_transports_root_server_name_and_client_certificate()
    {
        var ca = TestCertificates.CreateCa();
        var server = TestCertificates.IssueServer(ca, "backend.test");
        var client = TestCertificates.IssueClient(ca, "switchyard");
        await using var backend = await GrpcTestBackend.StartAsync("tls", new GrpcTestBackendOptions { Certificate = server, ClientCa = ca });
        await using var front = await Front.StartAsync(backend.Port, new UpstreamOptions { Tls = TrustOnly(ca, "backend.test", client) });

        for (var i = 0; i < 2; i++) // the second call reuses the connection
        {
            var call = front.Client.UnaryAsync(new EchoRequest { Message = "tls-" + i });
            Assert.That((await call).Message, Is.EqualTo("tls-" + i));
            Assert.That((await call.ResponseHeadersAsync).GetValue("x-backend"), Is.EqualTo("tls"));
        }
    }

    [Test]
    public async Task A_TLS_backend_whose_certificate_the_transport_does_not_trust_is_unavailable()
    {
        var ca = TestCertificates.CreateCa();
        var other = TestCertificates.CreateCa("Another CA");
        await using var backend = await GrpcTestBackend.StartAsync("tls", new GrpcTestBackendOptions { Certificate = TestCertificates.IssueServer(ca, "backend.test") });

        await using (var front = await Front.StartAsync(backend.Port, new UpstreamOptions { Tls = TrustOnly(other, "backend.test") }))
        {
            var e = await Fails(async () => await front.Client.UnaryAsync(new EchoRequest { Message = "x" }));
            Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(e.Status.Detail, Does.Contain("TLS handshake"));
        }

        await using (var front = await Front.StartAsync(backend.Port, new UpstreamOptions { Tls = TrustOnly(ca, "wrong.name") }))
        {
            var e = await Fails(async () => await front.Client.UnaryAsync(new EchoRequest { Message = "x" }));
            Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable), "serverName is checked against the certificate");
        }

        Assert.That(backend.Calls, Is.EqualTo(0));
    }
}
