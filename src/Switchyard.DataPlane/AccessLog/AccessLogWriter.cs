using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// The access log: calls hand a captured <see cref="AccessLogEntry"/> to a bounded queue (never waiting: a full
/// queue drops the line and counts it), and one writer thread formats and writes the lines in batches. The queue is
/// a lock-free ConcurrentQueue bounded by a counter: a bounded Channel took its lock for every line written and again
/// for every line the writer read, so the calls and the draining writer contended on it. The file
/// is reopened on SIGUSR1 so logrotate can move it (Traefik's Rotate, pkg/middlewares/accesslog/logger.go).
/// The writer is woken by the call that queues the <c>WakeAt</c>-th waiting line, or after
/// <see cref="IdleFlush"/> when traffic is light: under load that is one wake-up and one write per few hundred calls
/// and no timer at all (the earlier 5 ms Task.Delay after each batch fired a timer and a thread-pool work item up to
/// 200 times a second on the proxy's core: TimerQueue.FireNextTimers, DelayPromise.CompleteTimedOut within it, was
/// 1.4 % of its CPU in `perf` under the bench's load, plus the thread-pool wake-up it queued).
/// </summary>
public sealed partial class AccessLogWriter : IAsyncDisposable
{
    private const int SigUsr1 = 10; // Linux

    /// <summary>The most lines formatted per write.</summary>
    private const int MaxBatch = 4096;

    /// <summary>
    /// How many lines ahead of the one being formatted the writer prefetches an entry, and its strings (a line
    /// takes about a microsecond to format: a fetch from memory has come well before the line is reached).
    /// </summary>
    private const int EntryAhead = 4;

    private const int DataAhead = 2;

    /// <summary>The longest a queued line waits for the writer when fewer than WakeAt lines come.</summary>
    private static readonly TimeSpan IdleFlush = TimeSpan.FromMilliseconds(100);

    private readonly AccessLogOptions _options;
    private readonly ConcurrentQueue<AccessLogEntry> _queue = new();
    private readonly int _capacity;
    private readonly ObjectPool<AccessLogEntry> _pool;
    private readonly Action<AccessLogEntry, IBufferWriter<byte>> _format;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly StartClock _startClock = new();
    private readonly PosixSignalRegistration? _signal;
    private readonly ILogger _logger;
    private readonly Thread _writer;
    private readonly AutoResetEvent _wake = new(false);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _wakeAt;

    /// <summary>The lines of one write, taken off the queue before they are formatted (writer thread only).</summary>
    private readonly AccessLogEntry[] _batch = new AccessLogEntry[MaxBatch];

    /// <summary>Lines queued (or being queued) and not yet read by the writer: the queue's bound and the wake-up count.</summary>
    private int _queued;
    private volatile bool _closing;
    private Stream _output;
    private long _requests;
    private long _dropped;
    private long _written;
    private long _batches;
    private volatile bool _reopen;

    public AccessLogWriter(AccessLogOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Captured = options.Captured;
        _capacity = options.QueueLength;
        _pool = new DefaultObjectPool<AccessLogEntry>(new EntryPolicy(), options.QueueLength + 64);
        _format = options.Format switch
        {
            AccessLogFormat.Json => new JsonLineFormatter(options, _startClock).Write,
            AccessLogFormat.GenericClf => new ClfLineFormatter(options, generic: true).Write,
            _ => new ClfLineFormatter(options, generic: false).Write,
        };
        _output = Open();
        if (options.ReopenOnSignal && options.FilePath is not null && !OperatingSystem.IsWindows())
        {
            _signal = PosixSignalRegistration.Create((PosixSignal)SigUsr1, context =>
            {
                context.Cancel = true;
                _reopen = true;
            });
        }

        _wakeAt = WakeThreshold(options.QueueLength, Environment.GetEnvironmentVariable(WakeAtVariable));
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "access log writer" };
        _writer.Start();
    }

    /// <summary>Bench lever: the number of queued lines that wakes the writer (see <see cref="WakeThreshold"/>).</summary>
    public const string WakeAtVariable = "SWITCHYARD_ACCESSLOG_WAKE_AT";

    /// <summary>
    /// A quarter of the queue, at most 256 lines: the writer is woken well before a burst could fill it.
    /// <paramref name="variable"/> (SWITCHYARD_ACCESSLOG_WAKE_AT) overrides it within 1..queue length.
    /// </summary>
    internal static int WakeThreshold(int queueLength, string? variable) =>
        int.TryParse(variable, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var wakeAt)
            ? Math.Clamp(wakeAt, 1, queueLength)
            : Math.Clamp(queueLength / 4, 1, 256);

    /// <summary>Lines dropped because the queue was full (switchyard_accesslog_dropped_total).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Lines written so far.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Writes to the file so far (one per batch of lines).</summary>
    public long Batches => Volatile.Read(ref _batches);

    internal CapturedFields Captured { get; }

    /// <summary>
    /// Traefik's shouldAccessLog (pkg/server/middleware/observability.go): observability.accessLogs (default true),
    /// and internal routers (api@internal) only with accessLog.addInternals.
    /// </summary>
    internal static bool Logs(AccessLogWriter? log, Switchyard.Routing.Table.Router router) =>
        log is not null && router.Observability?.AccessLogs != false && (log._options.AddInternals || router.Service != Api.ApiHandler.ServiceName);

    /// <summary>Ask for the file to be reopened before the next write (what SIGUSR1 does).</summary>
    public void Reopen() => _reopen = true;

    /// <summary>
    /// A call starts at <paramref name="start"/> (a Stopwatch timestamp): take a pooled entry and capture the request
    /// (<paramref name="protocol"/>: its RequestLabels protocol).
    /// </summary>
    internal AccessLogEntry Begin(HttpContext context, string entryPoint, int protocol, long start)
    {
        var entry = _pool.Get();
        entry.Capture(context, entryPoint, Interlocked.Increment(ref _requests), protocol, Captured, start);
        return entry;
    }

    /// <summary>
    /// A call ended at <paramref name="end"/> (a Stopwatch timestamp): capture the response and queue the line (or
    /// drop it, counted, when the queue is full).
    /// </summary>
    internal void End(AccessLogEntry entry, HttpContext context, int status, int grpcStatus, long end)
    {
        entry.Complete(context, status, grpcStatus, Captured, end);
        if (!_options.Passes(entry.DownstreamStatus, LineValues.Retries(entry), entry.Duration))
        {
            _pool.Return(entry);
            return;
        }

        var queued = Interlocked.Increment(ref _queued);
        if (queued > _capacity || _closing)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            _pool.Return(entry);
            return;
        }

        _queue.Enqueue(entry);
        if (queued == _wakeAt)
        {
            _wake.Set();
        }
    }

    /// <summary>A call whose router turned access logs off (observability.accessLogs: false).</summary>
    internal void Discard(AccessLogEntry entry) => _pool.Return(entry);

    private void WriteLoop()
    {
        try
        {
            while (true)
            {
                // Lines that came during the last drain and already reached WakeAt woke nobody: drain them at once.
                if (Volatile.Read(ref _queued) < _wakeAt)
                {
                    _wake.WaitOne(IdleFlush);
                }

                var closing = _closing;
                Drain();
                if (closing)
                {
                    return;
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Formats and writes every queued line, up to <see cref="MaxBatch"/> per write.</summary>
    private void Drain()
    {
        while (true)
        {
            // Taken off the queue first, so the writer knows the entries ahead of the one it formats (LinePrefetch).
            var read = 0;
            while (read < _batch.Length && _queue.TryDequeue(out var queued))
            {
                _batch[read++] = queued;
            }

            for (var i = 0; i < Math.Min(EntryAhead, read); i++)
            {
                LinePrefetch.Entry(_batch[i]);
            }

            var lines = 0;
            _startClock.Anchor();
            for (var i = 0; i < read; i++)
            {
                if (i + EntryAhead < read)
                {
                    LinePrefetch.Entry(_batch[i + EntryAhead]);
                }

                if (i + DataAhead < read)
                {
                    LinePrefetch.Data(_batch[i + DataAhead]);
                }

                var entry = _batch[i];
                try
                {
                    entry.StartUtc = _startClock.UtcOf(entry.StartTimestamp);
                    _format(entry, _buffer);
                    lines++;
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
                {
                    LogFormatFailed(_logger, ex.Message);
                }
                finally
                {
                    _pool.Return(entry);
                }
            }

            // Lines read leave the count (a call counts its line before queueing it, so the count never goes below 0).
            Interlocked.Add(ref _queued, -read);
            if (lines > 0 || _buffer.WrittenCount > 0)
            {
                Flush(lines);
            }

            if (read < _batch.Length)
            {
                return;
            }
        }
    }

    private void Flush(int lines)
    {
        try
        {
            if (_reopen)
            {
                _reopen = false;
                var old = _output;
                _output = Open();
                old.Dispose();
            }

            _output.Write(_buffer.WrittenSpan);
            _output.Flush();
            Interlocked.Add(ref _written, lines);
            Interlocked.Increment(ref _batches);
        }
        catch (IOException ex)
        {
            // A full disk or a vanished folder loses these lines, not the gateway; the next batch tries again.
            LogWriteFailed(_logger, ex.Message);
        }
        finally
        {
            _buffer.ResetWrittenCount();
        }
    }

    private Stream Open()
    {
        if (_options.FilePath is not { } path)
        {
            return Console.OpenStandardOutput();
        }

        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    public async ValueTask DisposeAsync()
    {
        _signal?.Dispose();
        _closing = true;
        _wake.Set();
        await _stopped.Task.ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
        _wake.Dispose();
    }

    private sealed class EntryPolicy : PooledObjectPolicy<AccessLogEntry>
    {
        public override AccessLogEntry Create() => new();

        public override bool Return(AccessLogEntry obj)
        {
            obj.Reset();
            return true;
        }
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "access log: writing failed, lines lost: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "access log: a line could not be formatted: {Reason}")]
    private static partial void LogFormatFailed(ILogger logger, string reason);
}
