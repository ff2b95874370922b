namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The deadlines of one forwarded call: the caller's <c>grpc-timeout</c> (whole call) and the transport's
/// responseHeaderTimeout (until response headers arrive). Allocated only for calls that have one; YARP's own
/// activity timeout is switched off because it would cut long idle gRPC streams.
/// </summary>
internal sealed class ForwardDeadline : IDisposable
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
