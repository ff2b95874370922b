using System.Threading.Tasks.Sources;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// A reusable one-waiter signal (no allocation per wait); continuations never run inline on the setter, except after
/// <see cref="Hold"/> when <see cref="Release"/> asks for it.
/// </summary>
internal sealed class Signal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _set;

    /// <summary>Arms the signal for one wait; call before the setter can observe the wait.</summary>
    public void Reset()
    {
        _core.Reset();
        _core.RunContinuationsAsynchronously = true; // a Release(inline) of the previous wait may have cleared it
        _set = 0;
    }

    /// <summary>
    /// Decides the outcome (success: a later <see cref="Fail"/> is ignored, as after <see cref="Set"/>) without waking the
    /// waiter yet; <see cref="Release"/> must follow, whatever happens meanwhile. False when the outcome was already decided.
    /// </summary>
    public bool Hold() => Interlocked.Exchange(ref _set, 1) == 0;

    /// <summary>
    /// Wakes the waiter of a <see cref="Hold"/>: with <paramref name="inline"/> its continuation runs on this thread, now,
    /// so the caller must hold no lock. The flag stays cleared until the next <see cref="Reset"/>, which only the waiter's
    /// side calls after this wait is over: no other completion of this wait can see it.
    /// </summary>
    public void Release(bool inline)
    {
        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(true);
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
