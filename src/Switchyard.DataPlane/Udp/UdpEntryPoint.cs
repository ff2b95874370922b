using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Swap;
using Switchyard.DataPlane.Tcp;

namespace Switchyard.DataPlane.Udp;

/// <summary>
/// A UDP entry point (<c>address: ":5353/udp"</c>), Traefik's <c>pkg/udp/conn.go</c> Listener semantics: each client
/// address is a session; its first datagram picks a backend through the IngressRouteUDP's (weighted) service and
/// opens a socket to it; later datagrams of that client go to the same backend, and the backend's replies go back
/// to the client. A session with no datagram either way for <c>udp.timeout</c> (default 3s) is closed, so the next
/// datagram of that client starts a new one (possibly on another backend).
/// One receive loop reads every client datagram into one pooled 64 KiB buffer (a datagram is read whole) and sends
/// it on before reading the next, so a slow backend slows the loop instead of queueing memory. The session table
/// is capped: past <see cref="UdpEntryPointSettings.MaxSessions"/> a new client's datagrams are dropped and counted
/// (a flood of source addresses cannot exhaust memory), with one warning per sweep while it lasts.
/// </summary>
public sealed partial class UdpEntryPoint : IAsyncDisposable
{
    /// <summary>Largest UDP payload (Traefik's maxDatagramSize).</summary>
    internal const int MaxDatagram = 65535;

    private readonly string _name;
    private readonly UdpEntryPointSettings _settings;
    private readonly TableHolder _tables;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<SocketAddress, UdpSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sweeping = Task.CompletedTask;
    private long _dropped;
    private int _disposed;
    private long _droppedReported;

    public UdpEntryPoint(string name, IPEndPoint endpoint, UdpEntryPointSettings settings, TableHolder tables, ILogger logger)
    {
        _name = name;
        _settings = settings;
        _tables = tables;
        _logger = logger;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        _socket.Bind(endpoint);
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The bound address (the real port when configured with port 0).</summary>
    public IPEndPoint Endpoint { get; }

    public string Name => _name;

    /// <summary>Sessions open now.</summary>
    public int Sessions => _sessions.Count;

    /// <summary>Datagrams dropped: session table full, no router, no backend reachable.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    public void Start()
    {
        _receiving = Task.Run(ReceiveLoopAsync);
        _sweeping = Task.Run(SweepLoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _socket.Dispose();
        await Task.WhenAll(_receiving, _sweeping);
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _sessions.Clear();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var from = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int read;
                try
                {
                    read = await _socket.ReceiveFromAsync(buffer.AsMemory(0, MaxDatagram), SocketFlags.None, from, _stop.Token);
                }
                catch (SocketException)
                {
                    // ICMP port unreachable from an earlier reply (ConnectionReset) and the like: keep serving.
                    continue;
                }

                var session = _sessions.TryGetValue(from, out var known) ? known : await OpenAsync(from);
                if (session is null || !await session.ToBackendAsync(buffer.AsMemory(0, read), _stop.Token))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A new session for <paramref name="from"/> on the table's router of this entry point; null drops the datagram.</summary>
    private async ValueTask<UdpSession?> OpenAsync(SocketAddress from)
    {
        if (_sessions.Count >= _settings.MaxSessions)
        {
            return null;
        }

        var balancer = UdpRuntime.For(_tables.Current).Balancer(_name);
        var backend = balancer?.Next();
        if (backend is null)
        {
            return null;
        }

        // The key must not change under the dictionary: the receive loop reuses `from` for the next datagram.
        var client = new SocketAddress(from.Family, from.Size);
        from.Buffer.CopyTo(client.Buffer);
        var session = await UdpSession.OpenAsync(this, client, backend, _stop.Token);
        if (session is null)
        {
            LogDialFailed(_logger, _name, backend.Address);
            return null;
        }

        _sessions[client] = session;
        session.StartReplies();
        return session;
    }

    /// <summary>A backend's reply to the session's client, from the entry point's own address.</summary>
    internal ValueTask<int> SendToClientAsync(ReadOnlyMemory<byte> datagram, SocketAddress client, CancellationToken ct) =>
        _socket.SendToAsync(datagram, SocketFlags.None, client, ct);

    internal void Remove(UdpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<SocketAddress, UdpSession>(session.Client, session)))
        {
            session.Dispose();
        }
    }

    /// <summary>Closes idle sessions, checking ten times per timeout like Traefik's session ticker.</summary>
    private async Task SweepLoopAsync()
    {
        var period = _settings.Timeout / 10;
        using var timer = new PeriodicTimer(period > TimeSpan.FromMilliseconds(1) ? period : TimeSpan.FromMilliseconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = Environment.TickCount64;
                foreach (var session in _sessions.Values)
                {
                    if (now - session.LastActivity > (long)_settings.Timeout.TotalMilliseconds)
                    {
                        Remove(session);
                    }
                }

                var dropped = Interlocked.Read(ref _dropped);
                if (dropped != _droppedReported)
                {
                    LogDropped(_logger, _name, dropped - _droppedReported, dropped, _sessions.Count, _settings.MaxSessions);
                    _droppedReported = dropped;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 5320, Level = LogLevel.Debug, Message = "UDP entry point {EntryPoint}: cannot reach {Server}")]
    private static partial void LogDialFailed(ILogger logger, string entryPoint, string server);

    [LoggerMessage(EventId = 5321, Level = LogLevel.Warning,
        Message = "UDP entry point {EntryPoint}: dropped {Count} datagrams ({Total} in all; sessions {Sessions}/{MaxSessions}; or no IngressRouteUDP / backend for it)")]
    private static partial void LogDropped(ILogger logger, string entryPoint, long count, long total, int sessions, int maxSessions);
}

/// <summary>The UDP options of an entry point.</summary>
/// <param name="Timeout">Traefik's <c>udp.timeout</c>: an idle session is closed after this long (default 3s).</param>
/// <param name="MaxSessions">Most sessions at once (Switchyard's bound; Traefik has none).</param>
public sealed record UdpEntryPointSettings(TimeSpan Timeout, int MaxSessions)
{
    public static readonly UdpEntryPointSettings Default = new(TimeSpan.FromSeconds(3), 10_000);
}
