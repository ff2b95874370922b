using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The deadlines of one forwarded call: the caller's <c>grpc-timeout</c> (whole call) and the transport's
/// responseHeaderTimeout (until response headers arrive). Allocated only for calls that have one; YARP's own
/// activity timeout is switched off because it would cut long idle gRPC streams.
/// </summary>
/// <remarks>
/// While the call runs it also stands in for the stream's <see cref="IHttpResetFeature"/>: when the deadline
/// passes after the response has started, YARP resets the HTTP/2 stream (the caller sees CANCELLED or a protocol
/// error). For a gRPC deadline the right answer is trailers with grpc-status 4, so that reset is held back and
/// the forwarder writes the trailers instead (see <see cref="ResetHeldBack"/>).
/// </remarks>
internal sealed class ForwardDeadline : IDisposable, IHttpResetFeature
{
    private readonly CancellationTokenSource _cts = new();
    private readonly long _grpcDeadlineTicks; // Environment.TickCount64-based, in ms; 0 = none
    private int _fired; // 0 none, 1 grpc deadline, 2 response header timeout

    public ForwardDeadline(TimeSpan? grpcTimeout, TimeSpan responseHeaderTimeout)
    {
        var now = Environment.TickCount64;
        var delay = Timeout.InfiniteTimeSpan;
        if (grpcTimeout is { } g)
        {
            _grpcDeadlineTicks = now + (long)Math.Max(1, g.TotalMilliseconds);
            delay = g;
        }

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

    public CancellationToken Token => _cts.Token;

    private IHttpResetFeature? _reset;

    /// <summary>True when a reset was asked for after the gRPC deadline passed and was not passed on.</summary>
    public bool ResetHeldBack { get; private set; }

    /// <summary>Takes the place of the stream's reset feature for a call with a gRPC deadline that can carry trailers.</summary>
    public void Attach(HttpContext context)
    {
        if (_grpcDeadlineTicks != 0 && context.Response.SupportsTrailers() && context.Features.Get<IHttpResetFeature>() is { } reset)
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
    public bool GrpcDeadlineExceeded => Volatile.Read(ref _fired) == 1;

    /// <summary>True when the backend did not send response headers in time.</summary>
    public bool ResponseHeaderTimedOut => Volatile.Read(ref _fired) == 2;

    /// <summary>Response headers arrived: the header timeout no longer applies; the gRPC deadline still does.</summary>
    public void OnResponseHeaders()
    {
        if (!HeaderTimeoutArmed)
        {
            return;
        }

        HeaderTimeoutArmed = false;
        if (_grpcDeadlineTicks == 0)
        {
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
            return;
        }

        var remaining = _grpcDeadlineTicks - Environment.TickCount64;
        _cts.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, remaining)));
    }

    private void OnFired()
    {
        var kind = HeaderTimeoutArmed && (_grpcDeadlineTicks == 0 || Environment.TickCount64 < _grpcDeadlineTicks) ? 2 : 1;
        Interlocked.CompareExchange(ref _fired, kind, 0);
    }

    public void Dispose() => _cts.Dispose();
}
