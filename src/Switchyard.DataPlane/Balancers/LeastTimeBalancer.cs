using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// Traefik's <c>leasttime</c>: the server with the lowest expected wait, estimated as its moving-average call
/// duration times (calls in flight + 1), divided by its weight. Servers without a measurement yet score 0,
/// so each new server is tried at once. Ties rotate so equal servers share the load.
/// A measurement that is not refreshed loses half its weight per <see cref="StaleHalfLife"/>: a server that
/// once answered slowly (a cold start, a GC pause) and therefore stopped getting calls is retried after a
/// while instead of being starved forever by its one bad sample.
/// </summary>
public sealed class LeastTimeBalancer(BalancedServer[] servers, TimeProvider? time = null) : IBalancer
{
    public static readonly TimeSpan StaleHalfLife = TimeSpan.FromSeconds(1);

    private readonly long _halfLifeTicks = (long)(StaleHalfLife.TotalSeconds * (time ?? TimeProvider.System).TimestampFrequency);
    private int _rotation;

    public int Pick(IPAddress? clientIp, long nowTimestamp)
    {
        var n = servers.Length;
        if (n == 0)
        {
            return -1;
        }

        var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)n);
        var best = -1;
        var bestScore = double.PositiveInfinity;
        for (var k = 0; k < n; k++)
        {
            var i = start + k;
            if (i >= n)
            {
                i -= n;
            }

            var server = servers[i];
            if (!server.IsUsable(nowTimestamp))
            {
                continue;
            }

            var score = (double)Decayed(server, nowTimestamp) * (server.InFlight + 1) / server.Weight;
            if (score < bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }

    private long Decayed(BalancedServer server, long nowTimestamp)
    {
        var average = server.AverageTicks;
        var halvings = (nowTimestamp - server.LastSampleTimestamp) / _halfLifeTicks;
        return halvings <= 0 ? average : halvings >= 62 ? 0 : average >> (int)halvings;
    }
}
