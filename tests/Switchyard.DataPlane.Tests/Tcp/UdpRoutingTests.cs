using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Udp;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>IngressRouteUDP through a real UDP entry point to real UDP echo servers (Traefik pkg/udp session semantics).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class UdpRoutingTests
{
    private const string OneBackend = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: dns, namespace: default}
        spec:
          entryPoints: [dns]
          routes:
            - services: [{name: a, port: tcp}]
        """;

    private const string TwoBackends = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: dns, namespace: default}
        spec:
          entryPoints: [dns]
          routes:
            - services: [{name: a, port: tcp, weight: WA}, {name: b, port: tcp, weight: WB}]
        """;

    [Test]
    public async Task Datagrams_of_every_size_go_to_the_backend_and_its_replies_come_back(CancellationToken ct)
    {
        await using var echo = new UdpEchoServer("a");
        await using var gateway = await StartAsync(UdpEntryPointSettings.Default);
        gateway.Apply(TcpTestPeers.Compile(OneBackend, ("a", echo.Port)));

        using var client = Client(gateway);
        foreach (var size in new[] { 0, 1, 1400, 65_000 })
        {
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            var reply = await ExchangeAsync(client, payload, ct);
            Assert.That(reply.AsSpan(2).SequenceEqual(payload), Is.True, $"a {size}-byte datagram comes back whole");
        }

        Assert.That(echo.Clients, Has.Count.EqualTo(1), "one client address is one session, one backend socket");
    }

    [Test]
    public async Task New_sessions_are_spread_by_weight_and_a_session_keeps_its_backend(CancellationToken ct)
    {
        await using var a = new UdpEchoServer("a");
        await using var b = new UdpEchoServer("b");
        await using var gateway = await StartAsync(UdpEntryPointSettings.Default);
        gateway.Apply(TcpTestPeers.Compile(TwoBackends.Replace("WA", "3").Replace("WB", "1"), ("a", a.Port), ("b", b.Port)));

        var served = new List<string>();
        var clients = Enumerable.Range(0, 8).Select(_ => Client(gateway)).ToList();
        try
        {
            foreach (var client in clients)
            {
                var first = await ExchangeAsync(client, "q1"u8.ToArray(), ct);
                var second = await ExchangeAsync(client, "q2"u8.ToArray(), ct);
                Assert.That(Encoding.ASCII.GetString(second)[..1], Is.EqualTo(Encoding.ASCII.GetString(first)[..1]), "the session's second datagram goes where its first went");
                served.Add(Encoding.ASCII.GetString(first)[..1]);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Multiple(() =>
        {
            Assert.That(served.Count(s => s == "a"), Is.EqualTo(6), string.Join(",", served));
            Assert.That(served.Count(s => s == "b"), Is.EqualTo(2), string.Join(",", served));
            Assert.That(gateway.Host.UdpEntryPoints[0].Sessions, Is.EqualTo(8));
        });
    }

    [Test]
    public async Task An_idle_session_closes_after_the_timeout_and_the_clients_next_datagram_opens_one_on_the_next_backend(CancellationToken ct)
    {
        await using var a = new UdpEchoServer("a");
        await using var b = new UdpEchoServer("b");
        await using var gateway = await StartAsync(new UdpEntryPointSettings(TimeSpan.FromMilliseconds(300), 100));
        gateway.Apply(TcpTestPeers.Compile(TwoBackends.Replace("WA", "1").Replace("WB", "1"), ("a", a.Port), ("b", b.Port)));
        var entryPoint = gateway.Host.UdpEntryPoints[0];

        using var client = Client(gateway);
        var first = Encoding.ASCII.GetString(await ExchangeAsync(client, "x"u8.ToArray(), ct))[..1];
        Assert.That(entryPoint.Sessions, Is.EqualTo(1));

        await Wait.UntilAsync(() => entryPoint.Sessions == 0, TimeSpan.FromSeconds(10), "the idle session closed");
        var after = Encoding.ASCII.GetString(await ExchangeAsync(client, "x"u8.ToArray(), ct))[..1];
        Assert.Multiple(() =>
        {
            Assert.That(after, Is.Not.EqualTo(first), "a new session, balanced anew (round robin moves on)");
            Assert.That(entryPoint.Sessions, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_flood_of_client_addresses_is_capped_and_counted_and_served_again_once_sessions_expire(CancellationToken ct)
    {
        await using var echo = new UdpEchoServer("a");
        await using var gateway = await StartAsync(new UdpEntryPointSettings(TimeSpan.FromMilliseconds(300), 3));
        gateway.Apply(TcpTestPeers.Compile(OneBackend, ("a", echo.Port)));
        var entryPoint = gateway.Host.UdpEntryPoints[0];

        var clients = Enumerable.Range(0, 10).Select(_ => Client(gateway)).ToList();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await ExchangeAsync(clients[i], "in"u8.ToArray(), ct);
            }

            for (var i = 3; i < 10; i++)
            {
                await clients[i].SendAsync("over"u8.ToArray(), ct);
            }

            await Wait.UntilAsync(() => entryPoint.DroppedDatagrams == 7, TimeSpan.FromSeconds(10), "7 datagrams of new clients dropped");
            Assert.That(entryPoint.Sessions, Is.EqualTo(3), "the table stays at its cap");

            await Wait.UntilAsync(() => entryPoint.Sessions == 0, TimeSpan.FromSeconds(10), "the sessions expired");
            var reply = await ExchangeAsync(clients[9], "again"u8.ToArray(), ct);
            Assert.That(Encoding.ASCII.GetString(reply), Is.EqualTo("a:again"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task Datagrams_without_a_route_are_dropped_and_the_entry_point_serves_the_route_added_later(CancellationToken ct)
    {
        await using var echo = new UdpEchoServer("a");
        await using var gateway = await StartAsync(UdpEntryPointSettings.Default);
        var entryPoint = gateway.Host.UdpEntryPoints[0];
        using var client = Client(gateway);
        await client.SendAsync("nobody"u8.ToArray(), ct);
        await Wait.UntilAsync(() => entryPoint.DroppedDatagrams == 1, TimeSpan.FromSeconds(10), "the datagram dropped");

        gateway.Apply(TcpTestPeers.Compile(OneBackend, ("a", echo.Port)));
        Assert.That(Encoding.ASCII.GetString(await ExchangeAsync(client, "hi"u8.ToArray(), ct)), Is.EqualTo("a:hi"));
    }

    private static Task<Gateway> StartAsync(UdpEntryPointSettings settings) =>
        Gateway.StartAsync(extraEntryPoints: [new EntryPointOptions { Name = "dns", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Udp = settings }]);

    private static Socket Client(Gateway gateway)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(gateway.Host.Endpoint("dns"));
        return socket;
    }

    /// <summary>Sends one datagram and returns the reply, bounded by the test's token and 10 seconds.</summary>
    private static async Task<byte[]> ExchangeAsync(Socket client, byte[] payload, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await client.SendAsync(payload, timeout.Token);
        var buffer = new byte[70_000];
        var read = await client.ReceiveAsync(buffer, timeout.Token);
        return buffer[..read];
    }
}

/// <summary>A UDP server answering each datagram with "name:" and the datagram; remembers which addresses wrote to it.</summary>
internal sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly HashSet<EndPoint> _clients = [];

    public UdpEchoServer(string name)
    {
        _prefix = Encoding.ASCII.GetBytes(name + ":");
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public IReadOnlyCollection<EndPoint> Clients
    {
        get
        {
            lock (_clients)
            {
                return [.. _clients];
            }
        }
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[70_000];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveFromAsync(buffer.AsMemory(_prefix.Length, 65_535), new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                lock (_clients)
                {
                    _clients.Add(result.RemoteEndPoint);
                }

                _prefix.CopyTo(buffer, 0);
                await _socket.SendToAsync(buffer.AsMemory(0, _prefix.Length + result.ReceivedBytes), result.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _serving;
        _stop.Dispose();
    }
}
