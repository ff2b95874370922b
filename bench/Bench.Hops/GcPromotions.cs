using System.Diagnostics.Tracing;

/// <summary>
/// Bytes the GC promoted out of gen0 and out of gen1, summed over every collection, from the runtime's own
/// GCHeapStats event (TotalPromotedSize0/1): what outlived a gen0 (or gen1) collection and was copied or marked
/// into the next generation. Counted, so it does not move with the machine's load as pause times do; the tracing
/// bench reads it to see whether spans waiting in the export queue survive collections. One event per collection.
/// </summary>
internal sealed class GcPromotions : EventListener
{
    private const int GcHeapStatsEvent = 4;
    private long _fromGen0;
    private long _fromGen1;

    public long FromGen0 => Interlocked.Read(ref _fromGen0);

    public long FromGen1 => Interlocked.Read(ref _fromGen1);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventId != GcHeapStatsEvent || e.Payload is not { Count: > 3 } payload)
        {
            return;
        }

        Interlocked.Add(ref _fromGen0, Convert.ToInt64(payload[1]));
        Interlocked.Add(ref _fromGen1, Convert.ToInt64(payload[3]));
    }
}
