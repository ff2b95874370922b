namespace Switchyard.DataPlane.Middlewares.CircuitBreaker;

/// <summary>
/// What the breaker's expression looks at: the outcomes of the last 10 seconds in 1-second buckets (the window
/// Traefik's breaker uses). Recording is lock-free; a bucket is reset under a lock when its second comes round
/// again. Counts at a second's edge may be off by a request or two, which a ratio does not notice.
/// </summary>
public sealed class BreakerMetrics
{
    private const int Seconds = 10;

    /// <summary>Latency buckets: index = floor(8·log2(µs + 1)), about 9 % wide; 256 covers far beyond an hour.</summary>
    private const int LatencyBuckets = 256;

    private readonly Bucket[] _buckets = new Bucket[Seconds];
    private readonly Lock _rotate = new();

    public BreakerMetrics()
    {
        for (var i = 0; i < Seconds; i++)
        {
            _buckets[i] = new Bucket();
        }
    }

    /// <summary>Record one answer: its HTTP status (gRPC statuses already mapped), whether the network failed, and its latency.</summary>
    public void Record(long nowSecond, int status, bool networkError, TimeSpan latency)
    {
        var bucket = Current(nowSecond);
        Interlocked.Increment(ref bucket.Total);
        if (networkError)
        {
            Interlocked.Increment(ref bucket.NetworkErrors);
        }

        if (status is >= 0 and < 600)
        {
            Interlocked.Increment(ref bucket.Codes[status]);
        }

        var micros = Math.Max(0, latency.Ticks / 10);
        var index = Math.Min(LatencyBuckets - 1, (int)(8 * Math.Log2(micros + 1)));
        Interlocked.Increment(ref bucket.Latency[index]);
    }

    /// <summary>Forget everything (on entering recovery and standby: the old failures were already acted on).</summary>
    public void Reset()
    {
        lock (_rotate)
        {
            foreach (var bucket in _buckets)
            {
                bucket.Clear(long.MinValue);
            }
        }
    }

    /// <summary>
    /// Set the window (the 10 seconds up to <paramref name="nowSecond"/>) the ratio methods read. Called by the
    /// breaker under its lock right before it evaluates the expression, so evaluations never interleave.
    /// </summary>
    public BreakerMetrics At(long nowSecond)
    {
        _windowStart = nowSecond - Seconds + 1;
        return this;
    }

    private long _windowStart = long.MinValue;

    private IEnumerable<Bucket> Window() => _buckets.Where(b => Volatile.Read(ref b.Second) >= _windowStart);

    /// <summary>Network errors / all answers; 0 when nothing was answered.</summary>
    public double NetworkErrorRatio()
    {
        long total = 0, errors = 0;
        foreach (var b in Window())
        {
            total += Volatile.Read(ref b.Total);
            errors += Volatile.Read(ref b.NetworkErrors);
        }

        return total == 0 ? 0 : (double)errors / total;
    }

    /// <summary>Answers with a status in [from, to) divided by answers in [dividedFrom, dividedTo); 0 when the divisor is 0.</summary>
    public double ResponseCodeRatio(int from, int to, int dividedFrom, int dividedTo)
    {
        long numerator = 0, denominator = 0;
        foreach (var b in Window())
        {
            for (var code = 0; code < 600; code++)
            {
                var n = Volatile.Read(ref b.Codes[code]);
                if (n == 0)
                {
                    continue;
                }

                if (code >= from && code < to)
                {
                    numerator += n;
                }

                if (code >= dividedFrom && code < dividedTo)
                {
                    denominator += n;
                }
            }
        }

        return denominator == 0 ? 0 : (double)numerator / denominator;
    }

    /// <summary>The latency (ms) under which <paramref name="quantile"/> % of the answers fell; 0 when there were none.</summary>
    public double LatencyAtQuantileMs(double quantile)
    {
        var counts = new long[LatencyBuckets];
        long total = 0;
        foreach (var b in Window())
        {
            for (var i = 0; i < LatencyBuckets; i++)
            {
                var n = Volatile.Read(ref b.Latency[i]);
                counts[i] += n;
                total += n;
            }
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(total * quantile / 100.0);
        long seen = 0;
        for (var i = 0; i < LatencyBuckets; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                // The bucket's upper edge, in milliseconds.
                return (Math.Pow(2, (i + 1) / 8.0) - 1) / 1000.0;
            }
        }

        return double.MaxValue;
    }

    private Bucket Current(long nowSecond)
    {
        var bucket = _buckets[(int)(((nowSecond % Seconds) + Seconds) % Seconds)];
        if (Volatile.Read(ref bucket.Second) != nowSecond)
        {
            lock (_rotate)
            {
                if (bucket.Second != nowSecond)
                {
                    bucket.Clear(nowSecond);
                }
            }
        }

        return bucket;
    }

    private sealed class Bucket
    {
        public long Second = long.MinValue;
        public long Total;
        public long NetworkErrors;
        public readonly int[] Codes = new int[600];
        public readonly int[] Latency = new int[LatencyBuckets];

        public void Clear(long second)
        {
            Total = 0;
            NetworkErrors = 0;
            Array.Clear(Codes);
            Array.Clear(Latency);
            Volatile.Write(ref Second, second);
        }
    }
}
