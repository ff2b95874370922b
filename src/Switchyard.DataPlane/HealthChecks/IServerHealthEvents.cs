namespace Switchyard.DataPlane.HealthChecks;

/// <summary>Which mechanism changed a server's health.</summary>
public enum HealthCheckSource
{
    /// <summary>The service's <c>healthCheck</c> (HTTP or grpc.health.v1 probe).</summary>
    Active,
    /// <summary>The service's <c>passiveHealthCheck</c> (failed calls; recovery when the window ends).</summary>
    Passive,
}

/// <summary>One health transition of one server.</summary>
/// <param name="ServiceId">The load-balancer service id that owns the check (e.g. <c>default-echo-50051</c>).
/// A check shared by several services with the same server, config and transport reports the id of the
/// service that started it.</param>
/// <param name="ServerUrl">The server URL from the table (e.g. <c>h2c://10.0.0.7:5000</c>).</param>
/// <param name="Healthy">The new state.</param>
/// <param name="Reason">Why, for people: e.g. <c>grpc.health.v1 status NotServing</c>, <c>HTTP 500</c>, <c>3 failures within 10s</c>.</param>
public sealed record ServerHealthChange(
    string ServiceId,
    string ServerUrl,
    bool Healthy,
    HealthCheckSource Source,
    string Reason,
    DateTimeOffset Timestamp);

/// <summary>
/// Health transitions of backend servers, for other parts to subscribe to (the Kubernetes part turns them
/// into Events). Register with <see cref="HealthServiceCollectionExtensions.AddSwitchyardHealthEvents"/>
/// and resolve <see cref="IServerHealthEvents"/> from the container.
/// </summary>
public interface IServerHealthEvents
{
    /// <summary>Raised after every transition, on the thread that noticed it (health-check loop or a request);
    /// handlers must be quick and must not throw (exceptions are logged and swallowed).</summary>
    event EventHandler<ServerHealthChange>? HealthChanged;
}
