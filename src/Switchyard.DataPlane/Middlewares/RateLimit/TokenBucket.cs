namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// One source's token bucket, stored as a single "theoretical arrival time" (GCRA — the generic cell rate
/// algorithm, which admits exactly what a token bucket of size burst refilled at average/period admits).
/// One long updated by compare-and-swap: lock-free, no allocation per call.
/// The bucket is full again exactly when TAT ≤ now, which is what eviction tests.
/// </summary>
public sealed class TokenBucket
{
    /// <summary>Set by the sweeper on a removed bucket; a caller that sees it looks the source up again.</summary>
    internal const long Retired = long.MaxValue;

    private long _tat;

    public enum Result
    {
        Allowed,
        Rejected,
        Retired,
    }

    /// <param name="now">Stopwatch timestamp.</param>
    /// <param name="interval">Ticks per token (period / average).</param>
    /// <param name="tolerance">(burst - 1) × interval: how far ahead of now the TAT may run.</param>
    /// <param name="retryAfterTicks">When rejected: ticks until one token is available.</param>
    public Result TryTake(long now, long interval, long tolerance, out long retryAfterTicks)
    {
        while (true)
        {
            var tat = Volatile.Read(ref _tat);
            if (tat == Retired)
            {
                retryAfterTicks = 0;
                return Result.Retired;
            }

            var start = Math.Max(tat, now);
            var ahead = start - now;
            if (ahead > tolerance)
            {
                retryAfterTicks = ahead - tolerance;
                return Result.Rejected;
            }

            if (Interlocked.CompareExchange(ref _tat, start + interval, tat) == tat)
            {
                retryAfterTicks = 0;
                return Result.Allowed;
            }
        }
    }

    /// <summary>Marks the bucket retired if it is full (nothing is lost by forgetting it).</summary>
    internal bool TryRetireIfFull(long now)
    {
        var tat = Volatile.Read(ref _tat);
        return tat != Retired && tat <= now && Interlocked.CompareExchange(ref _tat, Retired, tat) == tat;
    }
}
