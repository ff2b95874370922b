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
        var ip = ClientKey(clientIp, buffer);

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
    public static double Score(ReadOnlySpan<byte> clientKey, BalancedServer server) => Score(clientKey, server.UrlHash, server.Weight);

    /// <summary>The weighted rendezvous score of a client key on a target (a server, a child service) named by its seed.</summary>
    public static double Score(ReadOnlySpan<byte> clientKey, ulong seed, double weight)
    {
        var h = StableHash.Mix(StableHash.Fnv1a(clientKey, seed));
        // 53 random bits → u in (0, 1): never 0 (log would be -inf) and never 1 (score would be +inf).
        var u = ((h >> 11) + 0.5) / (1UL << 53);
        return -weight / Math.Log(u);
    }

    /// <summary>
    /// The bytes of a client address to hash, written into <paramref name="buffer"/> (16 bytes). An IPv4-mapped IPv6
    /// address (dual-stack listener) is the same client as its IPv4 form: its last 4 bytes (no MapToIPv4 allocation
    /// per call). No address: empty.
    /// </summary>
    public static ReadOnlySpan<byte> ClientKey(IPAddress? clientIp, Span<byte> buffer) =>
        clientIp is not null && clientIp.TryWriteBytes(buffer, out var length)
            ? (length == 16 && clientIp.IsIPv4MappedToIPv6 ? buffer[12..16] : buffer[..length])
            : default;
}
