using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Switchyard.Model;
using Switchyard.Model.Loading;

namespace Switchyard.Sources.Folder;

/// <summary>
/// The manifest-folder source: a directory of *.yaml / *.yml / *.json files (recursive) holding the objects a cluster
/// would hold. Emits a snapshot at once, then a new one after each burst of changes (a quiet window, bounded by a
/// maximum delay so a steady stream of writes cannot starve reloads). A broken file keeps serving its last good
/// objects, with the file's diagnostics plus an SY008 warning saying so. The folder itself may go and come back
/// (deleted, recreated, renamed, remounted; issue 17.5): while it is missing the last objects keep serving with an
/// SY012 warning, and when it returns it is watched and read again. A folder missing from the start emits nothing
/// until it appears, so a gateway that never loaded it is not ready.
/// </summary>
public sealed class ManifestFolderSource : ISnapshotSource, IDisposable
{
    /// <summary>How often a missing folder is looked for when no event can tell (its parent is gone too).</summary>
    private static readonly TimeSpan MissingPoll = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly TimeSpan _quietWindow;
    private readonly TimeSpan _maxDelay;
    private readonly FolderLimits _limits;
    private readonly List<(FileSystemWatcher Watcher, ChannelWriter<bool> Changes)> _watchers = [];
    private readonly HashSet<ChannelWriter<bool>> _enumerations = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <param name="directory">The folder to watch (it may not exist yet).</param>
    /// <param name="quietWindow">Reload after this long without further changes (default 30 ms).</param>
    /// <param name="maxDelay">Reload at the latest this long after the first change of a burst (default 200 ms).</param>
    /// <param name="limits">File count, total size and per-file bounds (default <see cref="FolderLimits.Default"/>).</param>
    public ManifestFolderSource(string directory, TimeSpan? quietWindow = null, TimeSpan? maxDelay = null, FolderLimits? limits = null)
    {
        _directory = Path.GetFullPath(directory);
        _limits = limits ?? FolderLimits.Default;
        _quietWindow = quietWindow ?? TimeSpan.FromMilliseconds(30);
        _maxDelay = maxDelay ?? TimeSpan.FromMilliseconds(200);
        if (_maxDelay < _quietWindow)
        {
            _maxDelay = _quietWindow;
        }
    }

    /// <summary>The folder is missing now (after having been read, or never yet).</summary>
    public bool FolderMissing { get; private set; }

    /// <inheritdoc />
    public async IAsyncEnumerable<ClusterSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _enumerations.Add(changes.Writer);
        }

        // The parent's watcher sees the folder itself deleted, created or renamed: then the folder's own watcher,
        // bound to the directory that was there, is replaced.
        var restart = new StrongBox<bool>(true);
        var parent = StartWatcher(Path.GetDirectoryName(_directory), Path.GetFileName(_directory), changes.Writer, restart);
        FileSystemWatcher? folder = null;
        try
        {
            var state = new FolderState(_directory, _limits);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (Volatile.Read(ref restart.Value) && Directory.Exists(_directory))
                {
                    // Watch before reading so no change between the two is lost.
                    restart.Value = false;
                    Stop(folder, changes.Writer);
                    folder = StartWatcher(_directory, null, changes.Writer, restart);
                }

                var wasEverLoaded = state.EverLoaded;
                var changed = state.Rescan();
                FolderMissing = state.Missing;
                if (state.EverLoaded && (changed || !wasEverLoaded))
                {
                    yield return state.Snapshot;
                }

                if (!await WaitForBurstAsync(changes.Reader, state.Missing || folder is null ? MissingPoll : null, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }
        finally
        {
            Stop(folder, changes.Writer);
            Stop(parent, changes.Writer);
            lock (_gate)
            {
                _enumerations.Remove(changes.Writer);
            }

            changes.Writer.TryComplete();
        }
    }

    /// <summary>Waits for a change (or <paramref name="wakeAfter"/>), then for the burst to end; false when cancelled.</summary>
    private async Task<bool> WaitForBurstAsync(ChannelReader<bool> reader, TimeSpan? wakeAfter, CancellationToken cancellationToken)
    {
        try
        {
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (wakeAfter is { } after)
            {
                wake.CancelAfter(after);
            }

            if (!await reader.WaitToReadAsync(wake.Token).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (OperationCanceledException)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        Drain(reader);
        var deadline = DateTime.UtcNow + _maxDelay;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return true;
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(left < _quietWindow ? left : _quietWindow);
            try
            {
                if (!await reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false))
                {
                    return false;
                }

                Drain(reader);
            }
            catch (OperationCanceledException)
            {
                // The quiet window passed without a change (or we are shutting down).
                return !cancellationToken.IsCancellationRequested;
            }
        }
    }

    private static void Drain(ChannelReader<bool> reader)
    {
        while (reader.TryRead(out _))
        {
        }
    }

    /// <summary>
    /// A watcher on <paramref name="directory"/> (recursive for the folder; only <paramref name="filter"/> for its
    /// parent); null when it cannot be watched now (missing), which the periodic look covers.
    /// </summary>
    private FileSystemWatcher? StartWatcher(string? directory, string? filter, ChannelWriter<bool> writer, StrongBox<bool> restart)
    {
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        FileSystemWatcher watcher;
        try
        {
            watcher = filter is null
                ? new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size |
                                   NotifyFilters.CreationTime,
                }
                : new FileSystemWatcher(directory, filter) { NotifyFilter = NotifyFilters.DirectoryName };
            void Signal(object? sender, EventArgs e) => writer.TryWrite(true);
            void Restart(object? sender, EventArgs e)
            {
                Volatile.Write(ref restart.Value, true);
                writer.TryWrite(true);
            }

            watcher.Changed += Signal;
            watcher.Created += filter is null ? Signal : Restart;
            watcher.Deleted += filter is null ? Signal : Restart;
            watcher.Renamed += filter is null ? Signal : Restart;
            // A lost event (buffer overflow) or a watch that died with its directory: rescan, and watch anew.
            watcher.Error += Restart;
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null; // vanished between the check and the watch: the periodic look finds it again
        }

        lock (_gate)
        {
            if (_disposed)
            {
                watcher.Dispose();
                return null;
            }

            _watchers.Add((watcher, writer));
        }

        return watcher;
    }

    private void Stop(FileSystemWatcher? watcher, ChannelWriter<bool> writer)
    {
        if (watcher is null)
        {
            return;
        }

        lock (_gate)
        {
            _watchers.Remove((watcher, writer));
        }

        watcher.Dispose();
    }

    /// <summary>Stops all watchers; running enumerations end instead of waiting for the next change.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var (watcher, _) in _watchers)
            {
                watcher.Dispose();
            }

            foreach (var changes in _enumerations)
            {
                changes.TryComplete();
            }

            _watchers.Clear();
        }
    }
}
