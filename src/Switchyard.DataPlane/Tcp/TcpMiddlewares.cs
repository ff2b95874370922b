using System.Collections.Concurrent;
using System.Net;
using Switchyard.DataPlane.Middlewares.Common;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// A MiddlewareTCP made ready (Traefik <c>pkg/middlewares/tcp</c>): decides when a connection arrives whether it may
/// go on, and releases what it took when the connection ends.
/// </summary>
internal abstract class TcpMiddleware
{
    /// <summary>False: the connection is closed without reaching the service.</summary>
    public abstract bool Enter(IPAddress? client);

    /// <summary>Called once for every <see cref="Enter"/> that returned true, when the connection ends.</summary>
    public virtual void Leave(IPAddress? client)
    {
    }

    public static TcpMiddleware Build(string id, TcpMiddlewareConfig config, TcpMiddlewareState state) => config switch
    {
        TcpIpAllowListConfig allow => new AllowList(new IpRangeSet(allow.SourceRange)),
        TcpInFlightConnConfig inFlight => new InFlightConn(inFlight.Amount, state.Counters(id, inFlight.Amount)),
        _ => throw new InvalidOperationException($"unknown MiddlewareTCP {config.GetType().Name}"),
    };

    private sealed class AllowList(IpRangeSet ranges) : TcpMiddleware
    {
        public override bool Enter(IPAddress? client) => client is not null && ranges.Contains(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client);
    }

    /// <summary>Simultaneous connections per client IP (Traefik keys inFlightConn by the remote IP).</summary>
    private sealed class InFlightConn(long amount, ConcurrentDictionary<IPAddress, StrongBox> counters) : TcpMiddleware
    {
        public override bool Enter(IPAddress? client)
        {
            var box = counters.GetOrAdd(client ?? IPAddress.None, static _ => new StrongBox());
            if (Interlocked.Increment(ref box.Value) <= amount)
            {
                return true;
            }

            Interlocked.Decrement(ref box.Value);
            return false;
        }

        public override void Leave(IPAddress? client)
        {
            if (counters.TryGetValue(client ?? IPAddress.None, out var box))
            {
                Interlocked.Decrement(ref box.Value);
            }
        }
    }
}

internal sealed class StrongBox
{
    public long Value;
}

/// <summary>
/// inFlightConn counters keyed by middleware id and amount, kept across table swaps: an unchanged middleware keeps
/// counting the connections it let in before the swap.
/// </summary>
public sealed class TcpMiddlewareState
{
    private readonly ConcurrentDictionary<(string Id, long Amount), ConcurrentDictionary<IPAddress, StrongBox>> _counters = new();

    internal ConcurrentDictionary<IPAddress, StrongBox> Counters(string id, long amount) => _counters.GetOrAdd((id, amount), static _ => new());
}
