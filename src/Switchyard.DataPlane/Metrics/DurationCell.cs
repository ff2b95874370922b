namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// One (code, method, protocol) child of a request series: the request counter and the duration histogram in
/// one object. Durations are kept in Stopwatch ticks (integer adds, no double CAS loops); the writer converts.
/// The request count is the sum of the buckets. Request and response body bytes
/// (traefik_*_requests_bytes_total / responses_bytes_total) share the cell's labels.
/// </summary>
internal sealed class DurationCell(int key, int buckets)
{
    private long _sumTicks;
    private long _requestBytes;
    private long _responseBytes;

    public int Key { get; } = key;

    /// <summary>Per-bucket (not cumulative) counts; the last bucket is +Inf.</summary>
    public long[] Buckets { get; } = new long[buckets + 1];

    public long Count
    {
        get
        {
            long count = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                count += Volatile.Read(ref Buckets[i]);
            }

            return count;
        }
    }

    public long SumTicks => Volatile.Read(ref _sumTicks);

    public long RequestBytes => Volatile.Read(ref _requestBytes);

    public long ResponseBytes => Volatile.Read(ref _responseBytes);

    public void Observe(long ticks, long[] boundTicks, long requestBytes, long responseBytes)
    {
        if (requestBytes != 0)
        {
            Interlocked.Add(ref _requestBytes, requestBytes);
        }

        if (responseBytes != 0)
        {
            Interlocked.Add(ref _responseBytes, responseBytes);
        }

        var i = 0;
        while (i < boundTicks.Length && ticks > boundTicks[i])
        {
            i++;
        }

        Interlocked.Increment(ref Buckets[i]);
        Interlocked.Add(ref _sumTicks, ticks);
    }
}
