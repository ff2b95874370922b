using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The deadlines of one forwarded call: the caller's <c>grpc-timeout</c> (whole call), an HTTPRoute's
/// <c>timeouts.request</c> (whole call, <see cref="RouteTimeouts"/>) and <c>timeouts.backendRequest</c> (this attempt),
/// and the transport's responseHeaderTimeout (until response headers arrive). Allocated only for calls that have one;
/// YARP's own activity timeout is switched off because it would cut long idle gRPC streams.
/// </summary>
/// <remarks>
/// While the call runs it also stands in for the stream's <see cref="IHttpResetFeature"/>: when the deadline
/// passes after the response has started, YARP resets the HTTP/2 stream (the caller sees CANCELLED or a protocol
/// error). For a gRPC deadline the right answer is trailers with grpc-status 4, so that reset is held back and
/// the forwarder writes the trailers instead (see <see cref="ResetHeldBack"/>).
/// </remarks>
internal sealed class ForwardDeadline : IDisposable, IHttpResetFeature
{
    private const int None = 0, Grpc = 1, ResponseHeader = 2, Request = 3, BackendRequest = 4;

    private readonly CancellationTokenSource _cts = new();
    private readonly long _deadlineTicks; // Environment.TickCount64-based, in ms: the earliest whole-call/attempt deadline; 0 = none
    private readonly int _deadlineKind;
    private readonly bool _grpc;
    private readonly RouteTimeouts? _route;
    private int _fired;

    public ForwardDeadline(TimeSpan? grpcTimeout, TimeSpan responseHeaderTimeout, RouteTimeouts? route = null)
    {
        var now = Environment.TickCount64;
        _route = route;
        long deadline = 0;
        var kind = None;
        if (grpcTimeout is { } g)
        {
            _grpc = true;
            Earliest(ref deadline, ref kind, now + (long)Math.Max(1, g.TotalMilliseconds), Grpc);
        }

        if (route is { RequestDeadlineTicks: > 0 } r)
        {
            Earliest(ref deadline, ref kind, r.RequestDeadlineTicks, Request);
        }

        if (route is { BackendRequest: var b } && b > TimeSpan.Zero)
        {
            Earliest(ref deadline, ref kind, now + (long)Math.Max(1, Math.Ceiling(b.TotalMilliseconds)), BackendRequest);
        }

        _deadlineTicks = deadline;
        _deadlineKind = kind;
        var delay = _deadlineTicks == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(1, _deadlineTicks - now));
        if (responseHeaderTimeout > TimeSpan.Zero && (delay == Timeout.InfiniteTimeSpan || responseHeaderTimeout < delay))
        {
            delay = responseHeaderTimeout;
            HeaderTimeoutArmed = true;
        }

        _cts.Token.UnsafeRegister(static s => ((ForwardDeadline)s!).OnFired(), this);
        if (delay != Timeout.InfiniteTimeSpan)
        {
            _cts.CancelAfter(delay <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : delay);
        }
    }

    private static void Earliest(ref long deadline, ref int kind, long ticks, int candidate)
    {
        if (deadline == 0 || ticks < deadline)
        {
            deadline = ticks;
            kind = candidate;
        }
    }

    public CancellationToken Token => _cts.Token;

    private IHttpResetFeature? _reset;

    /// <summary>True when a reset was asked for after the gRPC deadline passed and was not passed on.</summary>
    public bool ResetHeldBack { get; private set; }

    /// <summary>Takes the place of the stream's reset feature for a call with a gRPC deadline that can carry trailers.</summary>
    public void Attach(HttpContext context)
    {
        if (_grpc && context.Response.SupportsTrailers() && context.Features.Get<IHttpResetFeature>() is { } reset)
        {
            _reset = reset;
            context.Features.Set<IHttpResetFeature>(this);
        }
    }

    public void Detach(HttpContext context)
    {
        if (_reset is not null)
        {
            context.Features.Set(_reset);
        }
    }

    void IHttpResetFeature.Reset(int errorCode)
    {
        if (GrpcDeadlineExceeded)
        {
            ResetHeldBack = true;
            return;
        }

        _reset!.Reset(errorCode);
    }

    private bool HeaderTimeoutArmed { get; set; }

    /// <summary>True when the grpc-timeout deadline passed.</summary>
    public bool GrpcDeadlineExceeded => Fired() == Grpc;

    /// <summary>True when the backend did not send response headers in time.</summary>
    public bool ResponseHeaderTimedOut => Fired() == ResponseHeader;

    /// <summary>True when the HTTPRoute's <c>timeouts.request</c> passed (the whole call).</summary>
    public bool RequestTimedOut => Fired() == Request;

    /// <summary>True when the HTTPRoute's <c>timeouts.backendRequest</c> passed (this attempt).</summary>
    public bool BackendRequestTimedOut => Fired() == BackendRequest;

    /// <summary>Response headers arrived: the header timeout no longer applies; the other deadlines still do.</summary>
    public void OnResponseHeaders()
    {
        if (!HeaderTimeoutArmed)
        {
            return;
        }

        HeaderTimeoutArmed = false;
        if (_deadlineTicks == 0)
        {
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
            return;
        }

        var remaining = _deadlineTicks - Environment.TickCount64;
        _cts.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, remaining)));
    }

    // The token's callbacks run last-registered first, so YARP's (registered later) can abort the call and have it
    // classified before OnFired ran: a cancelled token whose kind is not recorded yet records it now. The route's
    // request timer (RouteTimeoutsMiddleware, the call's RequestAborted) can beat this one to the same deadline.
    private int Fired()
    {
        if (Volatile.Read(ref _fired) == None)
        {
            if (_cts.IsCancellationRequested)
            {
                OnFired();
            }
            else if (_route is { RequestExpired: true })
            {
                Interlocked.CompareExchange(ref _fired, Request, None);
            }
        }

        return Volatile.Read(ref _fired);
    }

    private void OnFired()
    {
        var kind = HeaderTimeoutArmed && (_deadlineTicks == 0 || Environment.TickCount64 < _deadlineTicks) ? ResponseHeader : _deadlineKind;
        Interlocked.CompareExchange(ref _fired, kind == None ? ResponseHeader : kind, None);
    }

    public void Dispose() => _cts.Dispose();
}
