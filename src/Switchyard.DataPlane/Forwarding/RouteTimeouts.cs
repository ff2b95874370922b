namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The HTTPRoute timeouts of the call in progress (a request feature set by RouteTimeoutsMiddleware): the deadline of
/// the whole call and the bound of each attempt at a backend, both enforced by <see cref="ForwardDeadline"/> while the
/// call is forwarded; before that, the middleware's own timer cancels the call's RequestAborted at the deadline.
/// </summary>
/// <param name="requestDeadlineTicks">Environment.TickCount64 (ms) when <c>timeouts.request</c> expires; 0 = none.</param>
/// <param name="backendRequest"><c>timeouts.backendRequest</c>; zero = none.</param>
/// <param name="requestExpiry">The call's RequestAborted while the route bounds it: cancelled at the deadline or when the client goes.</param>
/// <param name="clientAborted">The connection's own RequestAborted, which tells the two apart.</param>
public sealed class RouteTimeouts(long requestDeadlineTicks, TimeSpan backendRequest, CancellationToken requestExpiry = default,
    CancellationToken clientAborted = default)
{
    public long RequestDeadlineTicks { get; } = requestDeadlineTicks;

    public TimeSpan BackendRequest { get; } = backendRequest;

    /// <summary>True once <c>timeouts.request</c> passed (and not because the client went away).</summary>
    public bool RequestExpired => requestExpiry.IsCancellationRequested && !clientAborted.IsCancellationRequested;
}
