using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// Hands the load balancers of a table their servers' health state from the swap state: one active checker
/// per (server URL + HealthCheckConfig + ServersTransport), one passive state per (service, server URL, config).
/// Unchanged entries survive a swap (no re-probe, an ejection stays); entries the new table does not ask for
/// are disposed by the swap state after the old table drains, which stops their checker.
/// </summary>
public sealed class HealthStateSource(ISwapState state, ServerHealthEvents events, ILoggerFactory loggers, TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger("Switchyard.DataPlane.HealthChecks");

    public TimeProvider Time => time;

    public ServerHealthState? Active(string serviceId, Forwarding.BackendServer server, HealthCheckConfig? check, string transportId, ServersTransportConfig transport)
    {
        if (check is null)
        {
            return null;
        }

        var key = HealthCheckKeys.Active(server.Url, check, transportId, transport);
        var checker = state.GetOrAdd(key, () => new ActiveHealthChecker(
            serviceId, server.Url, check, () => CreateProbe(server, check, transport), events, _logger, time));
        checker.EnsureStarted();
        return checker.State;
    }

    public PassiveHealthState? Passive(string serviceId, string serverUrl, PassiveHealthCheckConfig? config)
    {
        if (config is null)
        {
            return null;
        }

        return state.GetOrAdd(HealthCheckKeys.Passive(serviceId, serverUrl, config), () => new PassiveHealthState(
            config, time, (healthy, reason) => events.Publish(serviceId, serverUrl, healthy, HealthCheckSource.Passive, reason)));
    }

    private static IHealthProbe CreateProbe(Forwarding.BackendServer server, HealthCheckConfig check, ServersTransportConfig transport)
    {
        var target = HealthCheckTarget.For(server, check);
        // The service's ServersTransport (CA, SNI, client certificate) exactly as calls use it; the probe owns this handler.
        var handler = Forwarding.ServersTransportHandlerFactory.Create(transport, target.Http2Only);
        return HealthCheckTarget.IsGrpc(check)
            ? new GrpcHealthProbe(target, check, handler)
            : new HttpHealthProbe(target, check, handler);
    }
}
