using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Switchyard.DataPlane.Swap;
using Switchyard.DataPlane.Tcp;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Udp;

/// <summary>
/// The UDP section of a published table made ready: the balancer of each UDP entry point, built once per table on
/// first use. UDP has no rule, so an entry point has one router; when several name it, Traefik
/// (<c>pkg/server/router/udp/router.go</c>) sorts their names in descending order and takes the first, and so do we.
/// </summary>
internal sealed class UdpRuntime
{
    private static readonly ConditionalWeakTable<CompiledTable, UdpRuntime> Runtimes = new();

    private readonly FrozenDictionary<string, TcpBalancer> _byEntryPoint;

    private UdpRuntime(UdpSection section)
    {
        var chosen = new Dictionary<string, UdpRouter>(StringComparer.Ordinal);
        foreach (var router in section.Routers)
        {
            foreach (var ep in router.EntryPoints)
            {
                if (!chosen.TryGetValue(ep, out var current) || string.CompareOrdinal(router.Name, current.Name) > 0)
                {
                    chosen[ep] = router;
                }
            }
        }

        var empty = TcpSection.Empty.ServersTransports;
        var balancers = new Dictionary<string, TcpBalancer>(StringComparer.Ordinal);
        _byEntryPoint = chosen.ToFrozenDictionary(
            kv => kv.Key,
            kv => balancers.TryGetValue(kv.Value.Service, out var b) ? b : balancers[kv.Value.Service] = TcpBalancer.Build(kv.Value.Service, section.Services, empty),
            StringComparer.Ordinal);
    }

    public static UdpRuntime For(CompiledTable table) => Runtimes.GetValue(table, static t => new UdpRuntime(t.Table.Udp));

    /// <summary>Where a new session of <paramref name="entryPoint"/> goes; null when no IngressRouteUDP serves it.</summary>
    public TcpBalancer? Balancer(string entryPoint) => _byEntryPoint.GetValueOrDefault(entryPoint);
}
