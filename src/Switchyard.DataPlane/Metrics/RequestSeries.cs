namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// The requests of one entry point, router or service: its constant labels rendered once (e.g.
/// <c>router="a",service="b"</c>) and its (code, method, protocol) cells. Cells live in a copy-on-write array
/// scanned linearly (a route sees a handful of combinations); a new combination allocates once, under a lock.
/// </summary>
internal sealed class RequestSeries(KeyValuePair<string, object?>[] tags, int buckets)
{
    private readonly Lock _gate = new();
    private volatile DurationCell[] _cells = [];

    /// <summary>Constant labels, Prometheus-escaped, without braces.</summary>
    public string Labels { get; } = string.Join(",", tags.Select(t => GatewayMetrics.Label(t.Key, (string)t.Value!)));

    /// <summary>The same labels as OpenTelemetry attributes (metrics.otlp).</summary>
    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public DurationCell[] Cells => _cells;

    public void Observe(int key, long ticks, long[] boundTicks, long requestBytes, long responseBytes) =>
        Cell(key).Observe(ticks, boundTicks, requestBytes, responseBytes);

    private DurationCell Cell(int key)
    {
        var cells = _cells;
        foreach (var cell in cells)
        {
            if (cell.Key == key)
            {
                return cell;
            }
        }

        lock (_gate)
        {
            foreach (var cell in _cells)
            {
                if (cell.Key == key)
                {
                    return cell;
                }
            }

            var added = new DurationCell(key, buckets);
            _cells = [.. _cells, added];
            return added;
        }
    }
}
