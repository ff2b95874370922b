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
        Span<byte> buffer = stackalloc byte[16];
        scoped ReadOnlySpan<byte> ip = default;
        if (clientIp is not null && clientIp.TryWriteBytes(buffer, out var length))
        {
            // An IPv4-mapped IPv6 address (dual-stack listener) is the same client as its IPv4 form:
            // hash its last 4 bytes (no MapToIPv4 allocation per call).
            ip = length == 16 && clientIp.IsIPv4MappedToIPv6 ? buffer[12..] : buffer[..length];
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

            var score = Score(ip, server);
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
