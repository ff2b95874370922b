using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// Traefik's <c>p2c</c>: draw two distinct usable servers at random and take the one with fewer calls in
/// flight. Avoids both herd behaviour of "least in-flight" and the blindness of round robin to slow servers.
/// Lock-free; two scans over the server array, no allocation.
/// </summary>
public sealed class PowerOfTwoChoicesBalancer(BalancedServer[] servers, Random? random = null) : IBalancer
{
    private readonly Random _random = random ?? Random.Shared;

    public int Pick(IPAddress? clientIp, long nowTimestamp)
    {
        var usable = 0;
        for (var i = 0; i < servers.Length; i++)
        {
            if (servers[i].IsUsable(nowTimestamp))
            {
                usable++;
            }
        }

        if (usable == 0)
        {
            return -1;
        }

        if (usable == 1)
        {
            return NthUsable(0, nowTimestamp);
        }

        var first = _random.Next(usable);
        var second = _random.Next(usable - 1);
        if (second >= first)
        {
            second++;
        }

        var a = NthUsable(first, nowTimestamp);
        var b = NthUsable(second, nowTimestamp);
        if (a < 0 || b < 0)
        {
            // Health changed between the scans; fall back to whichever was found.
            return a >= 0 ? a : b >= 0 ? b : NthUsable(0, nowTimestamp);
        }

        return servers[b].InFlight < servers[a].InFlight ? b : a;
    }

    private int NthUsable(int n, long nowTimestamp)
    {
        for (var i = 0; i < servers.Length; i++)
        {
            if (servers[i].IsUsable(nowTimestamp) && n-- == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
