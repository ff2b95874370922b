namespace Switchyard.DataPlane.Middlewares.CircuitBreaker;

/// <summary>
/// The breaker's state machine (Traefik's): Standby lets everything through and evaluates the expression at
/// most every checkPeriod; when it holds the breaker trips and answers with the fallback for fallbackDuration;
/// then Recovering lets a share of the calls through that grows linearly to all over recoveryDuration (the
/// expression is still checked and trips again if it holds), and Standby follows.
/// Unlike Traefik, metrics are also cleared on entering Recovering, so a recovery is judged on fresh traffic
/// rather than on failures the trip already acted on. Kept in the swap state: a swap does not close a tripped breaker.
/// </summary>
public sealed class BreakerState(Func<BreakerMetrics, bool> condition, TimeSpan checkPeriod, TimeSpan fallbackDuration, TimeSpan recoveryDuration, TimeProvider time)
{
    private const int Standby = 0;
    private const int Tripped = 1;
    private const int Recovering = 2;

    private readonly Lock _lock = new();
    private volatile int _state = Standby;
    private long _until;
    private long _nextCheck;
    private long _recoveryStart;
    private long _recoveryTotal;
    private long _recoveryAllowed;

    public BreakerMetrics Metrics { get; } = new();

    public TimeProvider Time => time;

    /// <summary>"standby", "tripped" or "recovering" (for logs and tests).</summary>
    public string State => _state switch { Tripped => "tripped", Recovering => "recovering", _ => "standby" };

    /// <summary>May this call go on to the service? False: answer with the fallback.</summary>
    public bool Allow()
    {
        if (_state == Standby)
        {
            return true; // the hot path: one volatile read
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_state == Tripped)
            {
                if (now < _until)
                {
                    return false;
                }

                _state = Recovering;
                _until = now + Ticks(recoveryDuration);
                _recoveryStart = now;
                _recoveryTotal = 0;
                _recoveryAllowed = 0;
                Metrics.Reset();
            }

            if (_state == Recovering)
            {
                if (now >= _until)
                {
                    _state = Standby;
                    Metrics.Reset();
                    return true;
                }

                var share = (double)(now - _recoveryStart) / Ticks(recoveryDuration);
                _recoveryTotal++;
                if (_recoveryAllowed < share * _recoveryTotal)
                {
                    _recoveryAllowed++;
                    return true;
                }

                return false;
            }

            return true;
        }
    }

    /// <summary>After an answer was recorded: evaluate the expression if checkPeriod has passed.</summary>
    public void Check()
    {
        var now = time.GetTimestamp();
        if (_state == Tripped || now < Volatile.Read(ref _nextCheck))
        {
            return;
        }

        lock (_lock)
        {
            if (_state == Tripped || now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + Ticks(checkPeriod);
            if (condition(Metrics.At(Second(now))))
            {
                _state = Tripped;
                _until = now + Ticks(fallbackDuration);
            }
        }
    }

    /// <summary>The whole second a timestamp falls in (the metrics' bucket).</summary>
    public long Second(long timestamp) => timestamp / time.TimestampFrequency;

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
