using System.Net;
using System.Net.Http;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.Middlewares.PassTlsClientCert;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class PassTlsClientCertTests
{
    [Test]
    public async Task TheClientCertificateIsPassedAsPemAndInfoAndForgedHeadersAreDropped()
    {
        using var ca = TestCertificates.CreateCa();
        using var server = TestCertificates.IssueServer(ca, "localhost", "127.0.0.1");
        using var client = TestCertificates.IssueClient(ca, "alice");
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gateway = await TestGateway.StartAsync(backend.Address, server);
        gateway.Use(Build.Middleware(new PassTlsClientCertConfig(true, ["subject.commonName", "issuer.commonName", "serialNumber", "notAfter"])));

        Dictionary<string, string> Echo(HttpResponseMessage response) => HttpEchoBackend.Parse(response.Content.ReadAsStringAsync().Result);

        using var mtls = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = new X509CertificateCollection { client },
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        });
        using var plain = Clients.Http();
        using var withCert = await mtls.GetAsync(new Uri(gateway.TlsAddress, "/x"));
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Http1Address, "/x"));
        forged.Headers.Add(PassTlsClientCertMiddleware.CertHeader, "forged");
        using var withoutCert = await plain.SendAsync(forged);

        var echo = Echo(withCert);
        var serial = new BigInteger(client.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        var notAfter = new DateTimeOffset(client.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
        Assert.Multiple(() =>
        {
            Assert.That(withCert.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(echo["x-forwarded-tls-client-cert"], Is.EqualTo(Convert.ToBase64String(client.RawData)));
            Assert.That(Uri.UnescapeDataString(echo["x-forwarded-tls-client-cert-info"].Replace('+', ' ')),
                Is.EqualTo($"Subject=\"CN=alice\";Issuer=\"CN=Switchyard Test CA\";SerialNumber=\"{serial}\";NA=\"{notAfter}\""));
            Assert.That(Echo(withoutCert).ContainsKey("x-forwarded-tls-client-cert"), Is.False, "no mTLS: a forged header is removed");
        });
    }
}
