using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Services;

/// <summary>One server of a load-balancer service as metrics and the API show it (read at scrape / request time).</summary>
/// <param name="Active">Active check verdict; null without healthCheck.</param>
/// <param name="PassiveEjected">Ejected by the passive check; null without passiveHealthCheck.</param>
/// <param name="LastCheck">The last active probe's outcome; null without healthCheck or before the first probe.</param>
public sealed record ServerHealthView(string Service, string Url, bool Up, bool? Active, bool? PassiveEjected, bool Terminating,
    HealthChecks.ActiveCheckResult? LastCheck)
{
    /// <summary>Every server of every load-balancer service of a table, sorted by service then URL.</summary>
    public static IEnumerable<ServerHealthView> Of(CompiledTable table, TimeProvider time)
    {
        var now = time.GetTimestamp();
        foreach (var (id, handler) in table.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if ((handler is ServiceMiddlewareHandler wrapped ? wrapped.Inner : handler) is not LoadBalancerHandler lb)
            {
                continue;
            }

            foreach (var server in lb.Servers.OrderBy(s => s.Server.Url, StringComparer.Ordinal))
            {
                yield return new ServerHealthView(id, server.Server.Url, server.IsHealthy(now), server.Active?.IsHealthy,
                    server.Passive?.IsEjected(now), server.Server.Terminating, server.Active?.LastCheck);
            }
        }
    }
}
