using System.Net;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Prototype (issue 21), not wired into the data plane yet: measured by bench/Bench.H2Proxy and bench/Bench.Alloc.
/// The connections to one backend and the pooled stream objects. A call takes the first connection with room for a
/// stream; a new connection is dialled only when all are full (or gone).
/// </summary>
public sealed class UpstreamPool(EndPoint backend)
{
    private readonly SemaphoreSlim _dial = new(1, 1);
    private readonly Stack<UpstreamStream> _free = new();
    private volatile UpstreamConnection[] _connections = [];

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

    internal UpstreamConnection[] Connections => _connections;

    /// <summary>A connection that may take more streams, dialling one when none can.</summary>
    internal async ValueTask<UpstreamConnection> DialAsync(UpstreamConnection? full, CancellationToken ct)
    {
        await _dial.WaitAsync(ct);
        try
        {
            foreach (var c in _connections)
            {
                if (c != full && c.IsUsable)
                {
                    return c;
                }
            }

            var fresh = await UpstreamConnection.ConnectAsync(backend, ct);
            _connections = [.. _connections.Where(c => c.IsUsable), fresh];
            return fresh;
        }
        finally
        {
            _dial.Release();
        }
    }
}
