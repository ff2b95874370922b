using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// Traefik's <c>hrw</c>: highest random weight (rendezvous) hashing on the client IP. Each usable server
/// scores hash(ip, server) scaled by its weight (−w / ln(u), u uniform in (0,1)); the best score wins. A
/// client stays on its server as long as that server is usable, and when a server leaves only its own
/// clients move. Without a client IP every call hashes the same empty key (still deterministic).
/// </summary>
public sealed class RendezvousHashBalancer(BalancedServer[] servers) : IBalancer
{
    public int Pick(IPAddress? clientIp, long nowTimestamp)
    {
        Span<byte> ip = stackalloc byte[16];
        var length = 0;
        if (clientIp is not null)
        {
            // IPv4-mapped IPv6 and IPv4 are the same client.
            var address = clientIp.IsIPv4MappedToIPv6 ? clientIp.MapToIPv4() : clientIp;
            address.TryWriteBytes(ip, out length);
        }

        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < servers.Length; i++)
        {
            var server = servers[i];
            if (!server.IsUsable(nowTimestamp))
            {
                continue;
            }

            var score = Score(ip[..length], server);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The weighted rendezvous score of a client key on a server.</summary>
    public static double Score(ReadOnlySpan<byte> clientKey, BalancedServer server)
    {
        var h = StableHash.Mix(StableHash.Fnv1a(clientKey, server.UrlHash));
        // 53 random bits → u in (0, 1): never 0 (log would be -inf) and never 1 (score would be +inf).
        var u = ((h >> 11) + 0.5) / (1UL << 53);
        return -server.Weight / Math.Log(u);
    }
}
