using System.Collections.Concurrent;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// The buckets of one rateLimit middleware, one per source. Lives in ISwapState (keyed by middleware id +
/// config), so a table swap that keeps the middleware unchanged keeps every bucket's level.
///
/// Bounded memory: a bucket that has been idle long enough to be full again carries no information (a new
/// bucket would be identical), so a sweep retires and removes such buckets. Sweeps run when a new source
/// arrives and either the last sweep is older than the time an empty bucket takes to refill (at least 1 s),
/// or the hard cap (<see cref="MaxSources"/>, Traefik's 65536) is reached. If the cap is still reached after
/// a sweep, every further new source shares one overflow bucket until room frees up: a flood of distinct
/// sources is limited together rather than growing memory, and no existing source is ever refilled early.
/// </summary>
public sealed class RateLimitBuckets
{
    public const int MaxSources = 65536;

    private readonly ConcurrentDictionary<object, TokenBucket> _buckets = new();
    private readonly TokenBucket _overflow = new();
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly long _sweepEvery;
    private readonly int _maxSources;
    private readonly TimeProvider _time;
    private int _count;
    private int _sweeping;
    private long _lastSweep;

    /// <param name="time">The clock (its timestamps); tests pass one they control, so a burst is judged at one instant.</param>
    public RateLimitBuckets(long average, TimeSpan period, long burst, int maxSources = MaxSources, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(average, 1);
        _time = time ?? TimeProvider.System;
        var frequency = _time.TimestampFrequency;
        var periodTicks = (double)Math.Max(1, period.Ticks) * frequency / TimeSpan.TicksPerSecond;
        _interval = Math.Max(1, (long)(periodTicks / average));
        _tolerance = (Math.Max(1, burst) - 1) * _interval;
        _sweepEvery = Math.Max(frequency, _tolerance + _interval);
        _maxSources = maxSources;
        _lastSweep = _time.GetTimestamp();
    }

    /// <summary>Sources currently tracked.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Take one token for <paramref name="source"/>; on rejection say how long until one is available.</summary>
    public bool TryTake(object source, out TimeSpan retryAfter)
    {
        while (true)
        {
            var now = _time.GetTimestamp();
            if (!_buckets.TryGetValue(source, out var bucket))
            {
                bucket = AddOrOverflow(source, now);
                if (bucket is null)
                {
                    continue; // raced with another caller adding it
                }
            }

            switch (bucket.TryTake(now, _interval, _tolerance, out var ticks))
            {
                case TokenBucket.Result.Allowed:
                    retryAfter = TimeSpan.Zero;
                    return true;
                case TokenBucket.Result.Rejected:
                    retryAfter = _time.GetElapsedTime(0, ticks);
                    return false;
                default:
                    continue; // swept concurrently: look it up again
            }
        }
    }

    private TokenBucket? AddOrOverflow(object source, long now)
    {
        var count = Volatile.Read(ref _count);
        if (count >= _maxSources || now - Volatile.Read(ref _lastSweep) >= _sweepEvery)
        {
            Sweep(now);
            if (Volatile.Read(ref _count) >= _maxSources)
            {
                return _overflow;
            }
        }

        var bucket = new TokenBucket();
        if (!_buckets.TryAdd(source, bucket))
        {
            return null;
        }

        Interlocked.Increment(ref _count);
        return bucket;
    }

    /// <summary>Remove buckets that are full again. One sweeper at a time; others carry on.</summary>
    public void Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastSweep, now);
            foreach (var pair in _buckets)
            {
                if (pair.Value.TryRetireIfFull(now) && _buckets.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
