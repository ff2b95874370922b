using System.Net;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// The connections to one backend and the pooled stream objects. A call takes the first connection with room for a
/// stream; a new connection is dialled only when all are full, at most <see cref="UpstreamOptions.MaxConnections"/>.
/// Callers that need a connection while one is being dialled share that dial (one slow or dead backend costs one
/// dial timeout, not one per waiting call). A connection that goes away or dies leaves the list at once.
/// </summary>
public sealed class UpstreamPool(EndPoint backend, UpstreamOptions? options = null)
{
    private readonly UpstreamOptions _options = options ?? UpstreamOptions.Default;
    private readonly object _gate = new();
    private readonly Stack<UpstreamStream> _free = new();
    private UpstreamConnection[] _connections = [];
    private Task<UpstreamConnection>? _dialing;

    internal UpstreamStream Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var s))
            {
                return s;
            }
        }

        return new UpstreamStream();
    }

    internal void Return(UpstreamStream s)
    {
        s.Recycle();
        lock (_free)
        {
            if (_free.Count < 4096)
            {
                _free.Push(s);
            }
        }
    }

    internal UpstreamConnection[] Connections => Volatile.Read(ref _connections);

    /// <summary>TLS to the backend: request header blocks must say :scheme https (Kestrel resets a mismatch).</summary>
    internal bool Https => _options.Tls is not null;

    /// <summary>A connection with room for a stream (<paramref name="full"/> too, if a stream ended meanwhile), dialling one when none has room.</summary>
    internal async ValueTask<UpstreamConnection> DialAsync(UpstreamConnection? full, CancellationToken ct)
    {
        Task<UpstreamConnection> dial;
        lock (_gate)
        {
            foreach (var c in Connections)
            {
                if (c.HasRoom)
                {
                    return c;
                }
            }

            if (_dialing is null)
            {
                if (Connections.Length >= _options.MaxConnections)
                {
                    throw new UpstreamException(
                        $"all {_options.MaxConnections} connections to the backend are at its concurrent stream limit",
                        beforeProcessing: true);
                }

                _dialing = DialOneAsync();
            }

            dial = _dialing;
        }

        return await dial.WaitAsync(ct);
    }

    private async Task<UpstreamConnection> DialOneAsync()
    {
        await Task.Yield(); // runs after the caller has published _dialing and left the gate
        try
        {
            var c = await UpstreamConnection.ConnectAsync(backend, _options, Forget, CancellationToken.None);
            UpstreamConnection[] seen, next;
            do
            {
                seen = Volatile.Read(ref _connections);
                next = [.. seen, c];
            }
            while (Interlocked.CompareExchange(ref _connections, next, seen) != seen);

            if (!c.IsUsable)
            {
                Forget(c); // it retired before it was listed
            }

            return c;
        }
        finally
        {
            lock (_gate)
            {
                _dialing = null;
            }
        }
    }

    // The connection retired (GOAWAY, died, idle, out of stream ids): new calls no longer see it.
    private void Forget(UpstreamConnection c)
    {
        UpstreamConnection[] seen, next;
        do
        {
            seen = Volatile.Read(ref _connections);
            if (Array.IndexOf(seen, c) < 0)
            {
                return;
            }

            next = seen.Where(x => x != c).ToArray();
        }
        while (Interlocked.CompareExchange(ref _connections, next, seen) != seen);
    }
}
