namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The HTTPRoute timeouts of the call in progress (a request feature set by RouteTimeoutsMiddleware): the deadline of
/// the whole call and the bound of each attempt at a backend, both enforced by <see cref="ForwardDeadline"/>.
/// </summary>
/// <param name="RequestDeadlineTicks">Environment.TickCount64 (ms) when <c>timeouts.request</c> expires; 0 = none.</param>
/// <param name="BackendRequest"><c>timeouts.backendRequest</c>; zero = none.</param>
public sealed record RouteTimeouts(long RequestDeadlineTicks, TimeSpan BackendRequest);
