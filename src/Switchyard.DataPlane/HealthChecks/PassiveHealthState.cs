using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// Traefik's passiveHealthCheck for one server: <c>maxFailedAttempts</c> failed calls (connect failures, 5xx,
/// gRPC UNAVAILABLE) within <c>failureWindow</c> eject the server for <c>failureWindow</c>. Kept in the swap
/// state (keyed by server URL + config), so an ejection survives a table swap. Checking is one volatile read;
/// recording a failure takes a short lock over a ring of the last N failure times.
/// </summary>
public sealed class PassiveHealthState
{
    private readonly long _windowTicks;
    private readonly long[] _failures;
    private readonly Lock _lock = new();
    private readonly Action<bool, string> _onTransition;
    private readonly string _windowText;
    private int _next;
    private int _count;
    private long _ejectedUntil;

    /// <param name="onTransition">Called with (healthy, reason) on ejection and on recovery.</param>
    public PassiveHealthState(PassiveHealthCheckConfig config, TimeProvider time, Action<bool, string> onTransition)
    {
        var window = config.FailureWindow > TimeSpan.Zero ? config.FailureWindow : TimeSpan.FromSeconds(10);
        _windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
        _failures = new long[Math.Max(1, config.MaxFailedAttempts)];
        _onTransition = onTransition;
        _windowText = window.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>True while ejected. The first caller after the window ends reports the recovery.</summary>
    public bool IsEjected(long nowTimestamp)
    {
        var until = Volatile.Read(ref _ejectedUntil);
        if (until == 0)
        {
            return false;
        }

        if (nowTimestamp < until)
        {
            return true;
        }

        if (Interlocked.CompareExchange(ref _ejectedUntil, 0, until) == until)
        {
            _onTransition(true, "failure window of " + _windowText + " ended");
        }

        return false;
    }

    /// <summary>Counts one failed call; ejects the server when the threshold is reached within the window.</summary>
    public void RecordFailure(long nowTimestamp)
    {
        bool ejected;
        lock (_lock)
        {
            if (Volatile.Read(ref _ejectedUntil) != 0)
            {
                return; // calls that were in flight when it was ejected do not extend the ejection
            }

            _failures[_next] = nowTimestamp;
            _next = (_next + 1) % _failures.Length;
            _count = Math.Min(_count + 1, _failures.Length);

            // With the ring full, _next is the oldest of the last N failures.
            ejected = _count == _failures.Length && nowTimestamp - _failures[_next % _failures.Length] <= _windowTicks;
            if (ejected)
            {
                _count = 0;
                _next = 0;
                Volatile.Write(ref _ejectedUntil, Math.Max(1, nowTimestamp + _windowTicks));
            }
        }

        if (ejected)
        {
            _onTransition(false, _failures.Length + " failed call(s) within " + _windowText);
        }
    }
}
