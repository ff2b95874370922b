using System.Collections.Concurrent;
using System.Net.Http;
using System.Runtime.CompilerServices;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// A positive ServersTransport <c>maxIdleConnsPerHost</c> (Go's Transport.MaxIdleConnsPerHost: at most that many idle
/// connections kept per server) on HTTP/1.1 connections, which SocketsHttpHandler cannot bound by itself. A call that
/// starts while more than that many calls to its server are in flight sends <c>Connection: close</c>, so its connection
/// is closed when it ends instead of going back to the pool: only calls started among the first N keep theirs, so after
/// a burst at most N connections stay idle (Go closes the surplus the same way, when it is returned). A call counts as in
/// flight until its answer's headers arrive. HTTP/2 connections (one multiplexed connection per server) are not capped.
/// A server's counter lives only while it has calls in flight, so servers that left the table (endpoint churn) leave
/// nothing behind in a pool that is kept across swaps.
/// </summary>
public sealed class IdleConnectionCap(HttpMessageHandler inner, int maxIdle, bool http2Disabled) : DelegatingHandler(inner)
{
    /// <summary>The value of a counter removed from the map: increments of a late caller leave it negative.</summary>
    private const int Retired = int.MinValue / 2;

    private readonly ConcurrentDictionary<string, StrongBox<int>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The servers (authorities) with calls in flight now: the entries the cap holds.</summary>
    public int TrackedServers => _inFlight.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (!http2Disabled && !string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            return await base.SendAsync(request, cancellationToken); // https with h2 offered: the protocol is ALPN's choice
        }

        var (key, calls, count) = Enter(uri.Authority);
        if (count > maxIdle)
        {
            request.Headers.ConnectionClose = true;
        }

        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Leave(key, calls);
        }
    }

    /// <summary>Counts a call in: its server's live counter and the count with it.</summary>
    private (string, StrongBox<int>, int) Enter(string key)
    {
        while (true)
        {
            var calls = _inFlight.GetOrAdd(key, static _ => new StrongBox<int>());
            var count = Interlocked.Increment(ref calls.Value);
            if (count > 0)
            {
                return (key, calls, count);
            }

            // The counter was retired (its last call ended) between the lookup and the increment: take the new one.
        }
    }

    /// <summary>Counts a call out; the last one out retires the counter and removes it, unless a call came in meanwhile.</summary>
    private void Leave(string key, StrongBox<int> calls)
    {
        if (Interlocked.Decrement(ref calls.Value) == 0 && Interlocked.CompareExchange(ref calls.Value, Retired, 0) == 0)
        {
            _inFlight.TryRemove(new KeyValuePair<string, StrongBox<int>>(key, calls));
        }
    }
}
