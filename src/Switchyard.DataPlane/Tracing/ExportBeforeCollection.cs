namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// When to hand the queued spans to the exporter so that they die before the next gen0 collection instead of being
/// promoted by it. The SDK's batch processor exports when 512 spans are queued (or every 5 s), so under load a
/// collection finds on average half a batch of ended spans (an Activity, ~20 tag nodes and its strings each) waiting
/// in the queue, copies them into gen1 and later collects them there or in gen2: the garbage collection that was most
/// of a sampled call's cost (docs/performance-log.md, 2026-12-07 22:00–23:00). The gen0 budget is used up at a
/// steady pace under load, so the bytes allocated between the last two collections say when the next one comes; once
/// <see cref="Share"/> of that is allocated again, the queue is flushed (one export more per interval between
/// collections: ~800 spans end in one at the bench's rates, so the 512-span trigger exports once or twice in it too),
/// and the spans are serialized and gone before the collection.
/// Pure arithmetic over the two counters its caller reads (GC.CollectionCount(0), GC.GetTotalAllocatedBytes()); a
/// race between two calls at most flushes twice or once late.
/// </summary>
internal sealed class ExportBeforeCollection(double share)
{
    private readonly object _gate = new();
    private int _collections = -1;
    private long _allocatedAtCollection;
    private long _flushAt = long.MaxValue;
    private int _flushedIn = -1;

    /// <summary>Bench lever: the share as a number from 0 to 1; 0 leaves the exports to the SDK's own triggers.</summary>
    public const string ShareVariable = "SWITCHYARD_TRACING_EXPORT_SHARE";

    /// <summary>The default share: late enough that few spans end after the flush, early enough that the exporter
    /// thread, woken on a busy core, has serialized the queue before the collection.</summary>
    public const double DefaultShare = 0.9;

    /// <summary>The share of the previous interval between collections after which the queue is flushed.</summary>
    public double Share { get; } = share;

    /// <summary><see cref="DefaultShare"/>, or <paramref name="variable"/> (<see cref="ShareVariable"/>) when it is a
    /// number in 0..1; null (no flushes of ours) for 0.</summary>
    public static ExportBeforeCollection? Create(string? variable)
    {
        var share = double.TryParse(variable, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value is >= 0 and <= 1 ? value : DefaultShare;
        return share > 0 ? new ExportBeforeCollection(share) : null;
    }

    /// <summary>
    /// Called after a sampled call's spans were queued, with the collections (gen0 and up) and bytes allocated so
    /// far; true when the queue is to be flushed now (once per interval between collections).
    /// </summary>
    public bool ShouldFlush(int collections, long allocated)
    {
        if (collections != Volatile.Read(ref _collections))
        {
            Collected(collections, allocated);
            return false;
        }

        if (allocated < Volatile.Read(ref _flushAt) || Volatile.Read(ref _flushedIn) == collections)
        {
            return false;
        }

        return Interlocked.Exchange(ref _flushedIn, collections) != collections;
    }

    /// <summary>
    /// The first call after one or more collections: the bytes allocated since the one before (spread over the
    /// collections in between, when no sampled call came) estimate the next interval. The first collection seen only
    /// starts the count.
    /// </summary>
    private void Collected(int collections, long allocated)
    {
        lock (_gate)
        {
            if (collections == _collections)
            {
                return; // another call took this collection's count first
            }

            var flushAt = long.MaxValue;
            if (_collections >= 0 && collections > _collections && allocated > _allocatedAtCollection)
            {
                var interval = (allocated - _allocatedAtCollection) / (collections - _collections);
                flushAt = allocated + (long)(interval * Share);
            }

            _allocatedAtCollection = allocated;
            Volatile.Write(ref _flushAt, flushAt);
            Volatile.Write(ref _collections, collections);
        }
    }
}
