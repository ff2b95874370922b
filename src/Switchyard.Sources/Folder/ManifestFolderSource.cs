using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;

namespace Switchyard.Sources.Folder;

/// <summary>
/// The manifest-folder source: a directory of *.yaml / *.yml / *.json files (recursive) holding the objects a cluster
/// would hold. Emits a snapshot at once, then a new one after each burst of changes (a quiet window, bounded by a
/// maximum delay so a steady stream of writes cannot starve reloads). A broken file keeps serving its last good
/// objects, with the file's diagnostics plus an SY008 warning saying so.
/// </summary>
public sealed class ManifestFolderSource : ISnapshotSource, IDisposable
{
    private readonly string _directory;
    private readonly TimeSpan _quietWindow;
    private readonly TimeSpan _maxDelay;
    private readonly List<(FileSystemWatcher Watcher, ChannelWriter<bool> Changes)> _watchers = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <param name="directory">The folder to watch (must exist).</param>
    /// <param name="quietWindow">Reload after this long without further changes (default 30 ms).</param>
    /// <param name="maxDelay">Reload at the latest this long after the first change of a burst (default 200 ms).</param>
    public ManifestFolderSource(string directory, TimeSpan? quietWindow = null, TimeSpan? maxDelay = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"manifest folder {directory} does not exist");
        }

        _directory = directory;
        _quietWindow = quietWindow ?? TimeSpan.FromMilliseconds(30);
        _maxDelay = maxDelay ?? TimeSpan.FromMilliseconds(200);
        if (_maxDelay < _quietWindow)
        {
            _maxDelay = _quietWindow;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ClusterSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
        // Watch before the first load so no change between the two is lost.
        var watcher = StartWatcher(changes.Writer);
        try
        {
            var state = new FolderState(_directory);
            state.Rescan();
            yield return state.Snapshot;

            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await WaitForBurstAsync(changes.Reader, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                if (state.Rescan())
                {
                            yield return state.Snapshot;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove((watcher, changes.Writer));
            }

            watcher.Dispose();
            changes.Writer.TryComplete();
        }
    }

    /// <summary>Waits for a change, then for the burst to end; false when cancelled.</summary>
    private async Task<bool> WaitForBurstAsync(ChannelReader<bool> reader, CancellationToken cancellationToken)
    {
        try
        {
            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
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

    private FileSystemWatcher StartWatcher(ChannelWriter<bool> writer)
    {
        var watcher = new FileSystemWatcher(_directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size |
                           NotifyFilters.CreationTime,
        };
        void Signal(object? sender, EventArgs e) => writer.TryWrite(true);
        watcher.Changed += Signal;
        watcher.Created += Signal;
        watcher.Deleted += Signal;
        watcher.Renamed += Signal;
        // A lost event (buffer overflow) is handled like a change: the whole folder is rescanned anyway.
        watcher.Error += Signal;
        watcher.EnableRaisingEvents = true;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watchers.Add((watcher, writer));
        }

        return watcher;
    }

    /// <summary>Stops all watchers; running enumerations end instead of waiting for the next change.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var (watcher, changes) in _watchers)
            {
                watcher.Dispose();
                changes.TryComplete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>Per-file cache: content hash, current parse and last good parse.</summary>
    private sealed class FolderState(string directory)
    {
        private readonly Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
        private bool _built;

        public ClusterSnapshot Snapshot { get; private set; } = ClusterSnapshot.Empty;

        /// <summary>
        /// Re-reads the folder; reparses files whose content changed. True when anything changed. Never throws:
        /// nothing in the folder may end the process (issue 17.1); an unforeseen failure keeps the objects read so
        /// far and becomes an SY011 diagnostic.
        /// </summary>
        public bool Rescan()
        {
            try
            {
                return RescanFiles();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var failure = new Diagnostic(Severity.Error, DiagnosticCodes.LoaderFailure, "LoaderFailure", null, null,
                    $"reading {directory} failed ({ex.GetType().Name}: {ex.Message}); the last objects read keep serving",
                    new SourceLocation(directory, 1, 1));
                Snapshot = Snapshot with { LoadDiagnostics = [.. Snapshot.LoadDiagnostics.Where(d => d.Code != DiagnosticCodes.LoaderFailure), failure] };
                return true;
            }
        }

        private bool RescanFiles()
        {
            var changed = false;
            var extra = new List<Diagnostic>();
            IReadOnlyList<string> paths;
            try
            {
                paths = ManifestLoader.EnumerateManifestFiles(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                extra.Add(new Diagnostic(Severity.Error, DiagnosticCodes.FileUnreadable, "FileUnreadable", null, null,
                    $"cannot list {directory}: {ex.Message}", new SourceLocation(directory, 1, 1)));
                paths = [.. _files.Keys];
            }

            var present = new HashSet<string>(paths, StringComparer.Ordinal);
            foreach (var gone in _files.Keys.Where(p => !present.Contains(p)).ToList())
            {
                _files.Remove(gone);
                changed = true;
            }

            foreach (var path in paths)
            {
                if (!File.Exists(path))
                {
                    changed |= _files.Remove(path);
                    continue;
                }

                var text = ManifestLoader.ReadBounded(path, ManifestLimits.DefaultMaxFileBytes, out var problem);
                if (text is null)
                {
                    // Being written, locked or too large: keep what we had; the writer's close event triggers another scan.
                    if (!_files.ContainsKey(path) || problem!.Code == DiagnosticCodes.ManifestTooLarge)
                    {
                        extra.Add(problem!);
                    }

                    continue;
                }

                var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                if (_files.TryGetValue(path, out var cached) && cached.Hash == hash)
                {
                    continue;
                }

                var parsed = ManifestLoader.ParseText(text, path);
                var lastGood = parsed.HasErrors ? cached?.LastGood : parsed;
                _files[path] = new CachedFile(hash, parsed, lastGood);
                changed = true;
            }

            if (changed || extra.Count > 0 || !_built)
            {
                Snapshot = ManifestLoader.Build(_files.Keys.Order(StringComparer.Ordinal).Select(p => _files[p].Effective()), extra);
                _built = true;
            }

            return changed || extra.Count > 0;
        }
    }

    private sealed record CachedFile(string Hash, LoadedFile Current, LoadedFile? LastGood)
    {
        /// <summary>
        /// What the snapshot uses: the current parse when it is clean; when it is broken and an older clean parse
        /// exists, that parse's objects with the current diagnostics plus a note that old objects are served.
        /// </summary>
        public LoadedFile Effective()
        {
            if (!Current.HasErrors || LastGood is null || ReferenceEquals(LastGood, Current))
            {
                return Current;
            }

            var firstError = Current.Diagnostics.First(d => d.Severity == Severity.Error);
            var note = new Diagnostic(Severity.Warning, DiagnosticCodes.KeptLastGood, "KeptLastGood", null, null,
                $"{Current.File} has errors; serving its last good version ({LastGood.Objects.Length} objects) until it is fixed",
                firstError.Location ?? new SourceLocation(Current.File, 1, 1));
            return new LoadedFile(Current.File, LastGood.Objects, Current.Diagnostics.Add(note));
        }
    }
}
