using System.Net;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// A balancing strategy over the servers of one load balancer. Picks are allocation-free and thread-safe;
/// servers that are not usable (terminating, actively or passively unhealthy) are never returned.
/// </summary>
public interface IBalancer
{
    /// <summary>Index into the balancer's server array, or -1 when no server is usable.</summary>
    /// <param name="clientIp">The caller's socket address (hrw hashes it); may be null.</param>
    /// <param name="nowTimestamp">Current <see cref="TimeProvider.GetTimestamp"/> for passive-health windows.</param>
    int Pick(IPAddress? clientIp, long nowTimestamp);
}
