using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>IngressRouteTCP through the real data plane, on real sockets, to real servers.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class TcpRoutingTests
{
    [Test]
    public async Task A_redis_server_is_reached_through_a_cleartext_catch_all_route(CancellationToken ct)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: redis, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  middlewares: [{name: local}]
                  services: [{name: redis, port: tcp}]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: MiddlewareTCP
            metadata: {name: local, namespace: default}
            spec:
              ipAllowList: {sourceRange: [127.0.0.1/32]}
            """, ("redis", redis.Port)));

        // redis-cli, Debian's own client, talks RESP to the gateway's port.
        var cli = await RunAsync("/usr/bin/redis-cli", ct, "-h", "127.0.0.1", "-p", gateway.Web.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "SET", "greeting", "through-switchyard");
        var get = await RunAsync("/usr/bin/redis-cli", ct, "-h", "127.0.0.1", "-p", gateway.Web.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "GET", "greeting");
        // And straight to redis: the value was really stored there.
        var direct = await RunAsync("/usr/bin/redis-cli", ct, "-h", "127.0.0.1", "-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "GET", "greeting");
        Assert.Multiple(() =>
        {
            Assert.That(cli.Trim(), Is.EqualTo("OK"));
            Assert.That(get.Trim(), Is.EqualTo("through-switchyard"));
            Assert.That(direct.Trim(), Is.EqualTo("through-switchyard"));
        });
    }

    [Test]
    public async Task Tls_passthrough_picks_the_backend_by_sni_and_the_backends_own_certificate_reaches_the_client(CancellationToken ct)
    {
        await using var a = await KestrelTlsBackend.StartAsync("a.tcp.test");
        await using var b = await KestrelTlsBackend.StartAsync("b.tcp.test");
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: pass, namespace: default}
            spec:
              entryPoints: [websecure]
              routes:
                - match: HostSNI(`a.tcp.test`)
                  services: [{name: backend-a, port: tcp}]
                - match: HostSNI(`b.tcp.test`)
                  services: [{name: backend-b, port: tcp}]
              tls: {passthrough: true}
            """, ("backend-a", a.Port), ("backend-b", b.Port)));

        foreach (var (name, backend) in new[] { ("a.tcp.test", a), ("b.tcp.test", b) })
        {
            X509Certificate2? seen = null;
            using var handler = TcpTestPeers.DialingTo(gateway.WebSecure, cert => seen = cert);
            using var client = new HttpClient(handler);
            var body = await client.GetStringAsync($"https://{name}/", ct);
            Assert.Multiple(() =>
            {
                Assert.That(body, Is.EqualTo($"hello from {name}"));
                Assert.That(seen?.Thumbprint, Is.EqualTo(backend.Certificate.Thumbprint), "the backend's own certificate, untouched");
            });
        }
    }

    [Test]
    public async Task Tls_terminated_tcp_serves_the_table_certificate_and_forwards_cleartext(CancellationToken ct)
    {
        var ca = TestCertificates.CreateCa();
        var certificate = TestCertificates.IssueServer(ca, "term.tcp.test");
        await using var echo = new EchoServer();
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile(TestCertificates.TlsSecretManifest("term-cert", certificate) + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: term, namespace: default}
            spec:
              entryPoints: [websecure]
              routes:
                - match: HostSNI(`term.tcp.test`)
                  services: [{name: echo, port: tcp}]
              tls: {secretName: term-cert}
            """, ("echo", echo.Port)));

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(gateway.WebSecure, ct);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "term.tcp.test",
            RemoteCertificateValidationCallback = (_, cert, _, _) => { seen = cert is null ? null : new X509Certificate2(cert); return true; },
        }, ct);
        await tls.WriteAsync("ping over tls"u8.ToArray(), ct);
        var buffer = new byte[64];
        var read = await tls.ReadAsync(buffer, ct);
        Assert.Multiple(() =>
        {
            Assert.That(seen?.Thumbprint, Is.EqualTo(certificate.Thumbprint));
            Assert.That(Encoding.ASCII.GetString(buffer, 0, read), Is.EqualTo("ping over tls"));
        });
    }

    [Test]
    public async Task Ip_allow_list_closes_a_connection_from_outside_its_ranges_before_the_backend_sees_it(CancellationToken ct)
    {
        await using var echo = new EchoServer();
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: guarded, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  middlewares: [{name: lan-only}]
                  services: [{name: echo, port: tcp}]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: MiddlewareTCP
            metadata: {name: lan-only, namespace: default}
            spec:
              ipAllowList: {sourceRange: [10.0.0.0/8]}
            """, ("echo", echo.Port)));

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var buffer = new byte[16];
        int read;
        try
        {
            await socket.ConnectAsync(gateway.Web, ct);
            await socket.SendAsync("hello"u8.ToArray(), ct);
            read = await socket.ReceiveAsync(buffer, ct);
        }
        catch (SocketException)
        {
            read = 0; // reset instead of FIN: refused all the same
        }

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Zero, "the gateway closed the connection");
            Assert.That(echo.Accepted, Is.Zero, "the backend never saw it");
        });
    }

    [Test]
    public async Task Http_keeps_working_on_an_entry_point_with_a_passthrough_router_for_another_name(CancellationToken ct)
    {
        await using var a = await KestrelTlsBackend.StartAsync("a.tcp.test");
        var ca = TestCertificates.CreateCa();
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: pass, namespace: default}
            spec:
              entryPoints: [websecure]
              routes:
                - match: HostSNI(`a.tcp.test`)
                  services: [{name: backend-a, port: tcp}]
              tls: {passthrough: true}
            """, ("backend-a", a.Port)));

        // Another SNI is not claimed by TCP: the HTTPS side of websecure answers (404: no HTTP router).
        using var handler = TcpTestPeers.DialingTo(gateway.WebSecure);
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync("https://other.tcp.test/", ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static async Task<string> RunAsync(string file, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return output;
    }
}

/// <summary>ServersTransportTCP proxyProtocol: the backend receives the client's address first, then the bytes.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class TcpProxyProtocolTests
{
    [TestCase(1)]
    [TestCase(2)]
    public async Task The_backend_parses_the_proxy_header_with_the_clients_address(int version, CancellationToken ct)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile($$"""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: pp, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  services: [{name: parser, port: tcp, serversTransport: pp}]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: ServersTransportTCP
            metadata: {name: pp, namespace: default}
            spec:
              proxyProtocol: {version: {{version}}}
            """, ("parser", ((IPEndPoint)listener.LocalEndpoint).Port)));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(gateway.Web, ct);
        await client.SendAsync("payload"u8.ToArray(), ct);
        using var backend = await listener.AcceptSocketAsync(ct);
        var received = new List<byte>();
        var buffer = new byte[256];
        while (!Encoding.ASCII.GetString([.. received]).EndsWith("payload", StringComparison.Ordinal))
        {
            var n = await backend.ReceiveAsync(buffer, ct);
            Assert.That(n, Is.Positive, "the backend got the header and the payload before the end");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var (source, destination, rest) = ParseProxyHeader([.. received]);
        var local = (IPEndPoint)client.LocalEndPoint!;
        var clientEnd = new IPEndPoint(local.Address.MapToIPv4(), local.Port); // a dual-mode socket reports ::ffff:127.0.0.1
        Assert.Multiple(() =>
        {
            Assert.That(source, Is.EqualTo(clientEnd), "source = the client's own address and port");
            Assert.That(destination.Port, Is.EqualTo(gateway.Web.Port), "destination = the entry point it connected to");
            Assert.That(Encoding.ASCII.GetString(rest), Is.EqualTo("payload"));
        });
    }

    /// <summary>The test backend's own parser of both header versions (independent of the gateway's writer).</summary>
    private static (IPEndPoint Source, IPEndPoint Destination, byte[] Payload) ParseProxyHeader(byte[] data)
    {
        if (data.AsSpan().StartsWith("PROXY "u8))
        {
            var end = data.AsSpan().IndexOf("\r\n"u8);
            var parts = Encoding.ASCII.GetString(data, 0, end).Split(' ');
            Assert.That(parts[1], Is.EqualTo("TCP4"));
            return (new IPEndPoint(IPAddress.Parse(parts[2]), int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture)),
                new IPEndPoint(IPAddress.Parse(parts[3]), int.Parse(parts[5], System.Globalization.CultureInfo.InvariantCulture)), data[(end + 2)..]);
        }

        Assert.That(data.AsSpan(0, 12).SequenceEqual(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A }), Is.True, "v2 signature");
        Assert.That(data[12], Is.EqualTo(0x21), "version 2, PROXY command");
        Assert.That(data[13], Is.EqualTo(0x11), "TCP over IPv4");
        var length = (data[14] << 8) | data[15];
        var source = new IPEndPoint(new IPAddress(data.AsSpan(16, 4)), (data[24] << 8) | data[25]);
        var destination = new IPEndPoint(new IPAddress(data.AsSpan(20, 4)), (data[26] << 8) | data[27]);
        return (source, destination, data[(16 + length)..]);
    }
}
