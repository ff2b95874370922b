using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Switchyard.DataPlane.Tcp;

namespace Switchyard.DataPlane.Udp;

/// <summary>
/// One client address of a UDP entry point and the socket connected to its backend (Traefik <c>pkg/udp/proxy.go</c>
/// dials one backend socket per session). Both directions refresh <see cref="LastActivity"/>, as Traefik's Conn
/// does on Read and Write. While no reply is waiting the session holds no buffer: it waits with a zero-byte peek and
/// rents one only to move a datagram that arrived, so ten thousand quiet sessions cost sockets, not 64 KiB each.
/// </summary>
internal sealed class UdpSession : IDisposable
{
    private readonly UdpEntryPoint _entryPoint;
    private readonly Socket _backend;
    private readonly CancellationTokenSource _closed = new();
    private long _lastActivity = Environment.TickCount64;

    private UdpSession(UdpEntryPoint entryPoint, SocketAddress client, Socket backend)
    {
        _entryPoint = entryPoint;
        Client = client;
        _backend = backend;
    }

    public SocketAddress Client { get; }

    /// <summary>Environment.TickCount64 of the last datagram either way.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    /// <summary>A socket connected to the backend, or null when its address does not resolve.</summary>
    public static async ValueTask<UdpSession?> OpenAsync(UdpEntryPoint entryPoint, SocketAddress client, TcpBackend backend, CancellationToken ct)
    {
        Socket? socket = null;
        try
        {
            if (IPAddress.TryParse(backend.Host, out var ip))
            {
                socket = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                socket.Connect(ip, backend.Port);
            }
            else
            {
                socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
                await socket.ConnectAsync(backend.Host, backend.Port, ct);
            }

            return new UdpSession(entryPoint, client, socket);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            socket?.Dispose();
            return null;
        }
    }

    public void StartReplies() => _ = RepliesAsync();

    /// <summary>False when the datagram could not be sent (the session is closing, the backend refused it).</summary>
    public async ValueTask<bool> ToBackendAsync(ReadOnlyMemory<byte> datagram, CancellationToken ct)
    {
        Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
        try
        {
            await _backend.SendAsync(datagram, SocketFlags.None, ct);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task RepliesAsync()
    {
        var ct = _closed.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    // Wait for a datagram without taking it (and without holding a buffer).
                    await _backend.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, ct);
                }
                catch (SocketException)
                {
                    // ICMP port unreachable from the backend: it may come up; the idle timeout ends the session.
                    continue;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(UdpEntryPoint.MaxDatagram);
                try
                {
                    var read = await _backend.ReceiveAsync(buffer.AsMemory(0, UdpEntryPoint.MaxDatagram), SocketFlags.None, ct);
                    Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                    await _entryPoint.SendToClientAsync(buffer.AsMemory(0, read), Client, ct);
                }
                catch (SocketException)
                {
                    // As above; a reply the client cannot take is lost, as UDP is.
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Session closed.
        }
    }

    public void Dispose()
    {
        // _closed is not disposed: the replies loop may still be reading its token (it owns no timer or handle).
        _closed.Cancel();
        _backend.Dispose();
    }
}
