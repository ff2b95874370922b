using System.Net.Sockets;
using System.Text;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tests.Transport;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>
/// ServersTransportTCP peerCertSANs (Traefik pkg/tcp/dialer.go, pkg/tls/certificate.go VerifyPeerCertificate) on real
/// sockets: a TCP route with TLS to a Kestrel HTTPS backend whose certificate (made here) carries a URI SAN; the
/// connection is made when one SAN matches, refused when none does or when the chain is not trusted, even under
/// insecureSkipVerify.
/// </summary>
[CancelAfter(60_000)]
public sealed class TcpPeerCertSansTests
{
    [Test]
    public async Task A_matching_san_lets_the_connection_through_and_no_match_or_an_untrusted_chain_closes_it(CancellationToken ct)
    {
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServerWithUri(ca, "spiffe://cluster.local/ns/default/sa/db", "db.internal");
        await using var backend = await TlsHttpBackend.StartAsync(certificate);
        var caPem = TestCertificates.CertificatePem(ca).ReplaceLineEndings("\\n");

        Assert.Multiple(async () =>
        {
            Assert.That(await ThroughAsync(backend, caPem, "[{type: URI, value: 'SPIFFE://cluster.local/ns/default/sa/db'}]", ct), Does.StartWith("HTTP/1.1 200"),
                "a URI SAN matches case-insensitively");
            Assert.That(await ThroughAsync(backend, caPem, "[{type: URI, value: 'spiffe://cluster.local/ns/default/sa/web'}, {type: DNSName, value: db.internal}]", ct),
                Does.StartWith("HTTP/1.1 200"), "any one SAN is enough: here the DNS name");
            Assert.That(await ThroughAsync(backend, caPem, "[{type: DNSName, value: other.internal}]", ct), Is.Empty, "no SAN matches: no connection");
            Assert.That(await ThroughAsync(backend, null, "[{type: URI, value: 'spiffe://cluster.local/ns/default/sa/db'}]", ct), Is.Empty,
                "the chain is verified even with insecureSkipVerify");
        });
    }

    /// <summary>An HTTP/1.1 request through a TCP catch-all route whose service talks TLS to the backend; the answer's text ("" when closed).</summary>
    private static async Task<string> ThroughAsync(TlsHttpBackend backend, string? caPem, string sans, CancellationToken ct)
    {
        var rootCas = caPem is null ? "" : ", rootCAs: [{secret: ca}]";
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile($$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: ca, namespace: default}
            stringData: {tls.ca: "{{caPem ?? "unused"}}"}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: ServersTransportTCP
            metadata: {name: st, namespace: default}
            spec:
              tls: {insecureSkipVerify: true, peerCertSANs: {{sans}}{{rootCas}}}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: db, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  services: [{name: db, port: tcp, tls: true, serversTransport: st}]
            """, ("db", backend.Port)));

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(gateway.Web, ct);
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: db.internal\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (SocketException)
        {
            // A reset is a closed connection too.
        }

        return answer.ToString();
    }
}
