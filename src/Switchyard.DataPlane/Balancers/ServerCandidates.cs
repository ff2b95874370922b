namespace Switchyard.DataPlane.Balancers;

/// <summary>Usable servers of a balancer at one instant (a struct: passed by value into the generic picks, no boxing).</summary>
public readonly struct ServerCandidates(BalancedServer[] servers, long nowTimestamp) : ICandidateSet
{
    public bool IsUsable(int index) => servers[index].IsUsable(nowTimestamp);
}
