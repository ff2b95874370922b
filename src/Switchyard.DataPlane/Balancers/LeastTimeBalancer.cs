using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// Traefik's <c>leasttime</c>: the server with the lowest expected wait, estimated as its moving-average call
/// duration times (calls in flight + 1), divided by its weight. Servers without a measurement yet score 0,
/// so each new server is tried at once. Ties rotate so equal servers share the load.
/// </summary>
public sealed class LeastTimeBalancer(BalancedServer[] servers) : IBalancer
{
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

            var score = (double)server.AverageTicks * (server.InFlight + 1) / server.Weight;
            if (score < bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }
}
