using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.EntryPoints.ProxyProtocol;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>
/// PROXY protocol received on an entry point (Traefik server_entrypoint_tcp.go over pires/go-proxyproto), with
/// Debian's haproxy (send-proxy-v2, send-proxy) in front of the gateway. The client binds 127.0.0.2 so the address
/// in the header differs from haproxy's own (127.0.0.1).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ProxyProtocolReceiveTests
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.2");

    [TestCase("send-proxy-v2")]
    [TestCase("send-proxy")]
    public async Task Http_behind_haproxy_sees_the_clients_address_from_a_trusted_header(string send, CancellationToken ct)
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("127.0.0.1/32") });
        gateway.Apply(Table([Router("all", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        await using var haproxy = await Haproxy.StartAsync(gateway.Web.Port, send);

        var echoed = await GetThroughAsync(haproxy.Port, ct);
        Assert.That(echoed["x-forwarded-for"], Is.EqualTo("127.0.0.2"), "the client, not haproxy");
    }

    [Test]
    public async Task A_header_from_an_untrusted_peer_is_removed_and_its_address_ignored(CancellationToken ct)
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("10.0.0.0/8") });
        gateway.Apply(Table([Router("all", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        await using var haproxy = await Haproxy.StartAsync(gateway.Web.Port, "send-proxy-v2");

        var echoed = await GetThroughAsync(haproxy.Port, ct);
        Assert.That(echoed["x-forwarded-for"], Is.EqualTo("127.0.0.1"), "haproxy's own address: the request still parses, the header is gone");
    }

    [Test]
    public async Task Tcp_routes_match_ClientIP_and_allow_lists_on_the_address_from_the_header(CancellationToken ct)
    {
        await using var echo = new EchoServer();
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("127.0.0.1/32") });
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: by-client, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`) && ClientIP(`127.0.0.2`)
                  middlewares: [{name: only-two}]
                  services: [{name: echo, port: tcp}]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: MiddlewareTCP
            metadata: {name: only-two, namespace: default}
            spec:
              ipAllowList: {sourceRange: [127.0.0.2/32]}
            """, ("echo", echo.Port)));
        await using var haproxy = await Haproxy.StartAsync(gateway.Web.Port, "send-proxy-v2");

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(Client, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, haproxy.Port), ct);
        await socket.SendAsync("from two"u8.ToArray(), ct);
        var buffer = new byte[64];
        var read = await socket.ReceiveAsync(buffer, ct);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, read), Is.EqualTo("from two"), "ClientIP and ipAllowList saw 127.0.0.2");
    }

    [TestCase(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x40 }, TestName = "v2 promising 64 bytes then silent")]
    [TestCase(new byte[] { (byte)'P', (byte)'R', (byte)'O', (byte)'X', (byte)'Y', (byte)' ', (byte)'T', (byte)'C', (byte)'P', (byte)'4' }, TestName = "v1 without its line end")]
    public async Task A_header_begun_and_not_finished_is_closed_after_the_header_timeout(byte[] start, CancellationToken ct)
    {
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("127.0.0.1/32"), ReadHeaderTimeout = TimeSpan.FromSeconds(1) });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(gateway.Web, ct);
        await socket.SendAsync(start, ct);
        var clock = Stopwatch.StartNew();
        Assert.That(await ReadUntilClosedAsync(socket, ct), Is.Zero, "closed without a byte of answer");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "bounded by the header timeout, not by the client");
    }

    [TestCase("PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n")]
    [TestCase("PROXY TCP4 127.0.0.1 ::1 1 2\r\n")]
    [TestCase("PROXY TCP4 127.0.0.1 127.0.0.1 1 99999\r\n")]
    [TestCase("PROXY SCTP 127.0.0.1 127.0.0.1 1 2\r\n")]
    public async Task A_header_breaking_the_specification_closes_the_connection(string header, CancellationToken ct)
    {
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("127.0.0.1/32") });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(gateway.Web, ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(header + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ct);
        Assert.That(await ReadUntilClosedAsync(socket, ct), Is.Zero);
    }

    [Test]
    public async Task A_trusted_peer_without_a_header_is_served_with_its_own_address(CancellationToken ct)
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gateway = await Gateway.StartAsync(web => web with { ProxyProtocol = Trusting("127.0.0.0/8") });
        gateway.Apply(Table([Router("all", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var echoed = await GetThroughAsync(gateway.Web.Port, ct);
        Assert.That(echoed["x-forwarded-for"], Is.EqualTo("127.0.0.2"));
    }

    [Test]
    public void The_parser_never_throws_on_random_bytes_and_reads_what_it_is_given()
    {
        var random = new Random(20);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 3 == 0)
            {
                bytes[0] = i % 2 == 0 ? (byte)'P' : (byte)0x0D;
            }

            var header = ProxyProtocolParser.Parse(new System.Buffers.ReadOnlySequence<byte>(bytes));
            Assert.That(header.Length, Is.InRange(0, bytes.Length));
        }

        var v1 = ProxyProtocolParser.Parse(new System.Buffers.ReadOnlySequence<byte>("PROXY TCP6 2001:db8::1 ::1 4000 443\r\nrest"u8.ToArray()));
        Assert.Multiple(() =>
        {
            Assert.That(v1.Status, Is.EqualTo(ProxyHeaderStatus.Parsed));
            Assert.That(v1.Length, Is.EqualTo(37));
            Assert.That(v1.Source, Is.EqualTo(IPEndPoint.Parse("[2001:db8::1]:4000")));
            Assert.That(ProxyProtocolParser.Parse(new System.Buffers.ReadOnlySequence<byte>("POST / HTTP/1.1"u8.ToArray())).Status, Is.EqualTo(ProxyHeaderStatus.None));
            Assert.That(ProxyProtocolParser.Parse(new System.Buffers.ReadOnlySequence<byte>("PRI * HTTP/2.0"u8.ToArray())).Status, Is.EqualTo(ProxyHeaderStatus.None));
        });
    }

    private static ProxyProtocolOptions Trusting(string cidr) => new() { TrustedIPs = [System.Net.IPNetwork.Parse(cidr)] };

    /// <summary>GET through <paramref name="port"/> from 127.0.0.2; the echo backend's view of the request.</summary>
    private static async Task<Dictionary<string, string>> GetThroughAsync(int port, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(Client, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync($"http://app.example/echo", ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Bytes received until the gateway closed the connection (0 = closed without answering).</summary>
    private static async Task<int> ReadUntilClosedAsync(Socket socket, CancellationToken ct)
    {
        var total = 0;
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
            {
                total += read;
            }
        }
        catch (SocketException)
        {
            // Reset: closed too.
        }

        return total;
    }
}

/// <summary>Debian's haproxy in mode tcp in front of a gateway port, sending the PROXY header; stopped by its PID.</summary>
internal sealed class Haproxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private Haproxy(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <param name="send">The server option: send-proxy (v1) or send-proxy-v2.</param>
    public static async Task<Haproxy> StartAsync(int gatewayPort, string send)
    {
        if (!File.Exists("/usr/sbin/haproxy"))
        {
            Assert.Fail("/usr/sbin/haproxy is missing: run `bash scripts/setup.sh` (scripts/setup.d/50-tcp-peers.sh installs it)");
        }

        var port = TcpTestPeers.FreePort();
        var folder = Directory.CreateTempSubdirectory("switchyard-haproxy-").FullName;
        var config = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
              maxconn 100
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend fe
              bind 127.0.0.1:{port}
              default_backend be
            backend be
              server gw 127.0.0.1:{gatewayPort} {send}

            """);
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new Haproxy(process, folder, port);
        await Wait.UntilAsync(async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return process.HasExited ? throw new InvalidOperationException("haproxy exited") : false;
            }
        }, TimeSpan.FromSeconds(20), "haproxy accepting connections");
        return haproxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
