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
/// </summary>
internal sealed class IdleConnectionCap(HttpMessageHandler inner, int maxIdle, bool http2Disabled) : DelegatingHandler(inner)
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _inFlight = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (!http2Disabled && !string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            return await base.SendAsync(request, cancellationToken); // https with h2 offered: the protocol is ALPN's choice
        }

        var calls = _inFlight.GetOrAdd(uri.Authority, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref calls.Value) > maxIdle)
        {
            request.Headers.ConnectionClose = true;
        }

        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref calls.Value);
        }
    }
}
