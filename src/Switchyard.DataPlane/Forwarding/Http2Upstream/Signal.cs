using System.Threading.Tasks.Sources;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>A reusable one-waiter signal (no allocation per wait); continuations never run inline on the setter.</summary>
internal sealed class Signal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _set;

    /// <summary>Arms the signal for one wait; call before the setter can observe the wait.</summary>
    public void Reset()
    {
        _core.Reset();
        _set = 0;
    }

    public ValueTask WaitAsync() => new(this, _core.Version);

    public void Set()
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
        {
            _core.SetResult(true);
        }
    }

    public void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
        {
            _core.SetException(error);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
}
