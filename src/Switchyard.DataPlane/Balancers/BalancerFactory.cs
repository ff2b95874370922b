using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Balancers;

/// <summary>Maps a service's <see cref="BalancerStrategy"/> to its implementation.</summary>
public static class BalancerFactory
{
    public static IBalancer Create(BalancerStrategy strategy, BalancedServer[] servers, TimeProvider time) => strategy switch
    {
        BalancerStrategy.P2c => new PowerOfTwoChoicesBalancer(servers),
        BalancerStrategy.Hrw => new RendezvousHashBalancer(servers),
        BalancerStrategy.LeastTime => new LeastTimeBalancer(servers, time),
        _ => new WeightedRoundRobinBalancer(servers),
    };
}
