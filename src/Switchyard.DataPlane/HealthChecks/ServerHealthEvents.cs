using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// The one place a health transition is reported: it is logged (structured, stable event ids) and raised as
/// <see cref="IServerHealthEvents.HealthChanged"/>. Singleton; the health states publish through it.
/// </summary>
public sealed class ServerHealthEvents(ILogger<ServerHealthEvents> logger, TimeProvider time) : IServerHealthEvents
{
    public event EventHandler<ServerHealthChange>? HealthChanged;

    public void Publish(string serviceId, string serverUrl, bool healthy, HealthCheckSource source, string reason)
    {
        if (healthy)
        {
            HealthLog.ServerHealthy(logger, serviceId, serverUrl, source, reason);
        }
        else
        {
            HealthLog.ServerUnhealthy(logger, serviceId, serverUrl, source, reason);
        }

        var handlers = HealthChanged;
        if (handlers is null)
        {
            return;
        }

        var change = new ServerHealthChange(serviceId, serverUrl, healthy, source, reason, time.GetUtcNow());
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<ServerHealthChange>)handler)(this, change);
            }
            catch (Exception ex)
            {
                HealthLog.SubscriberFailed(logger, ex);
            }
        }
    }
}
