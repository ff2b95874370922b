namespace Switchyard.Routing.Table;

/// <summary>Walks the service tree of a table: the ids a node points to.</summary>
public static class ServiceTree
{
    /// <summary>The child service ids of <paramref name="config"/> (weighted children, mirroring main and mirrors, failover main and fallback).</summary>
    public static IEnumerable<string> Children(ServiceConfig config) => config switch
    {
        WeightedService w => w.Services.Select(s => s.Service),
        HighestRandomWeightService h => h.Services.Select(s => s.Service),
        MirroringService m => m.Mirrors.Select(x => x.Service).Prepend(m.Service),
        FailoverService f => [f.Service, f.Fallback],
        _ => [],
    };
}
