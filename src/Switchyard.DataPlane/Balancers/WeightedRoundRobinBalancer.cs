using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>Traefik's <c>wrr</c> (the default): smooth weighted round robin over the usable servers.</summary>
public sealed class WeightedRoundRobinBalancer : IBalancer
{
    private readonly BalancedServer[] _servers;
    private readonly SmoothWeightedPicker _picker;

    public WeightedRoundRobinBalancer(BalancedServer[] servers)
    {
        _servers = servers;
        var weights = new int[servers.Length];
        for (var i = 0; i < servers.Length; i++)
        {
            weights[i] = servers[i].Weight;
        }

        _picker = new SmoothWeightedPicker(weights);
    }

    public int Pick(IPAddress? clientIp, long nowTimestamp) => _picker.Pick(new ServerCandidates(_servers, nowTimestamp));
}
