using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Forwarding;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// A compiled node of a service tree (load balancer, weighted, mirroring, failover, error). Built once per
/// table swap; handles the request completely: picks a server and forwards to it through
/// <see cref="IBackendForwarder"/>, or answers with a proxy error.
/// </summary>
public interface IServiceHandler
{
    Task HandleAsync(HttpContext context);

    /// <summary>True while the node has at least one server that may take calls (used by failover and readiness).</summary>
    bool IsAvailable { get; }
}
