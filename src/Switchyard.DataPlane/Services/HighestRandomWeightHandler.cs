using System.Net;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Balancers;
using Switchyard.DataPlane.Errors;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// TraefikService.highestRandomWeight (Traefik <c>pkg/server/service/loadbalancer/hrw/hrw.go</c>): rendezvous hashing
/// of the caller's address (the socket's remote IP, as Traefik's RemoteAddrStrategy; X-Forwarded-For is not read)
/// over the child services. Each available child scores hash(ip, child) scaled by its weight; the best score wins, so
/// a client stays on its child while that child is available, and when one leaves only its own clients move.
/// Children with weight 0 or less get no calls (Traefik skips them). The hash is FNV-1a as Traefik's, mixed and
/// scored like the server-level hrw strategy (<see cref="RendezvousHashBalancer"/>); the child a client lands on is
/// the same on every replica, though not the one Traefik would pick.
/// </summary>
public sealed class HighestRandomWeightHandler : IServiceHandler
{
    private readonly IServiceHandler[] _children;
    private readonly int[] _weights;
    private readonly ulong[] _seeds;
    private readonly string _unavailableMessage;

    public HighestRandomWeightHandler(string id, IServiceHandler[] children, string[] childIds, int[] weights)
    {
        _children = children;
        _weights = weights;
        _seeds = new ulong[childIds.Length];
        for (var i = 0; i < childIds.Length; i++)
        {
            _seeds[i] = StableHash.Fnv1a(childIds[i]);
        }

        _unavailableMessage = $"service {id} has no available child service";
    }

    public bool IsAvailable
    {
        get
        {
            for (var i = 0; i < _children.Length; i++)
            {
                if (_weights[i] > 0 && _children[i].IsAvailable)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public Task HandleAsync(HttpContext context)
    {
        var index = Pick(context.Connection.RemoteIpAddress);
        return index < 0
            ? ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, _unavailableMessage)
            : _children[index].HandleAsync(context);
    }

    /// <summary>The child for a client address: the best weighted rendezvous score among available children, or -1.</summary>
    public int Pick(IPAddress? clientIp)
    {
        Span<byte> buffer = stackalloc byte[16];
        var ip = RendezvousHashBalancer.ClientKey(clientIp, buffer);

        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _children.Length; i++)
        {
            if (_weights[i] <= 0 || !_children[i].IsAvailable)
            {
                continue;
            }

            var score = RendezvousHashBalancer.Score(ip, _seeds[i], _weights[i]);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }
}
