using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Switchyard;

/// <summary>
/// Gives memory back to the system after a large table change. Loading a snapshot decodes its objects (YAML → JSON
/// → model) and compiles a whole new table while the old one still serves, so a reload of 10 000 IngressRoutes
/// peaks ~170 MB above what the process needs afterwards, and the GC keeps that peak committed for reuse: an idle
/// gateway with 10 000 routes stayed at ~320 MB after a reload instead of ~150 MB.
/// </summary>
/// <remarks>
/// A trim is one aggressive, blocking, compacting collection — a pause of all threads, so it is taken only when
/// it pays: once table changes have been quiet for a while, and only when the GC's committed memory grew by more
/// than <see cref="GrowthThreshold"/> since the last trim. Endpoint churn and small edits never get there.
/// With <c>trimAfterStart</c> the first check trims whatever the growth: the start (static config, the entry points'
/// hosts, the first snapshot's decoding and table) leaves garbage and committed regions a gateway serving a small table
/// never reuses, and the GC keeps them until load comes; see the constructor.
/// </remarks>
public sealed partial class MemoryTrimmer : IDisposable
{
    private readonly Timer _timer;
    private readonly TimeSpan _quiet;
    private readonly ILogger _logger;
    private long _baseline;
    private int _running;
    private bool _startTrimPending;

    /// <param name="trimAfterStart">
    /// Trim at the first check even below the threshold. `switchyard run` creates the trimmer once its entry points
    /// listen, so the start's own garbage is already in the baseline and a 1-route gateway never grows 32 MB past it.
    /// </param>
    public MemoryTrimmer(ILogger logger, TimeSpan quiet, long growthThreshold, bool trimAfterStart = false)
    {
        _logger = logger;
        _quiet = quiet;
        _startTrimPending = trimAfterStart;
        GrowthThreshold = growthThreshold;
        _baseline = GC.GetGCMemoryInfo().TotalCommittedBytes;
        _timer = new Timer(_ => Check(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>How much the committed heap must have grown since the last trim for a trim to pay.</summary>
    public long GrowthThreshold { get; }

    /// <summary>Checks made (one per quiet period after changes), trims taken, and the last trim's figures.</summary>
    public int Checks => Volatile.Read(ref _checks);
    private int _checks;

    public int Trims => Volatile.Read(ref _trims);
    private int _trims;

    public (long CommittedBefore, long CommittedAfter, TimeSpan Pause) LastTrim { get; private set; }

    /// <summary>The last trim's resident file pages before and after they were paged out (null: not paged out).</summary>
    public (long Before, long After)? LastPageOut { get; private set; }

    /// <summary>A table was applied: check once changes have been quiet for the quiet period.</summary>
    public void Changed() => _timer.Change(_quiet, Timeout.InfiniteTimeSpan);

    private void Check()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
            var afterStart = _startTrimPending;
            _startTrimPending = false;
            if (afterStart || before - Interlocked.Read(ref _baseline) >= GrowthThreshold)
            {
                var watch = Stopwatch.StartNew();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                watch.Stop();
                var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
                Interlocked.Exchange(ref _baseline, after);
                LastTrim = (before, after, watch.Elapsed);
                // The code and data pages the start (or the reload) ran through go back too (MappedFilePages).
                LastPageOut = MappedFilePages.GiveBack();
                Interlocked.Increment(ref _trims);
                LogTrimmed(_logger, before >> 20, after >> 20, watch.Elapsed.TotalMilliseconds);
                if (LastPageOut is var (filesBefore, filesAfter))
                {
                    LogPagedOut(_logger, filesBefore >> 20, filesAfter >> 20);
                }
            }
            else
            {
                // Memory also shrinks on its own; follow it down so that growth is measured from the lowest point.
                Interlocked.Exchange(ref _baseline, Math.Min(before, Interlocked.Read(ref _baseline)));
            }
        }
        finally
        {
            Interlocked.Increment(ref _checks);
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "memory trimmed after table changes: GC committed {Before} MB → {After} MB, pause {PauseMs:F0} ms")]
    private static partial void LogTrimmed(ILogger logger, long before, long after, double pauseMs);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "mapped files' resident pages given back: {Before} MB → {After} MB")]
    private static partial void LogPagedOut(ILogger logger, long before, long after);
}
