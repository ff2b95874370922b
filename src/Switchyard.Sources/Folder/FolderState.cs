using System.Collections.Immutable;
using System.Text;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;

namespace Switchyard.Sources.Folder;

/// <summary>
/// What the folder source knows of its folder: per file its content hash, current parse and last good parse; which
/// file each served object came from; whether the folder is there. Each <see cref="Rescan"/> brings it up to date.
/// </summary>
internal sealed class FolderState(string directory, FolderLimits limits)
{
    private readonly Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<ResourceRef, string> _servedFrom = ImmutableDictionary<ResourceRef, string>.Empty;
    private bool _built;

    public ClusterSnapshot Snapshot { get; private set; } = ClusterSnapshot.Empty;

    /// <summary>True once the folder was read at least once (then its objects keep serving whatever happens to it).</summary>
    public bool EverLoaded => _built;

    /// <summary>The folder is gone (deleted, renamed away, unmounted): the last objects keep serving with an SY012 warning.</summary>
    public bool Missing { get; private set; }

    /// <summary>
    /// Re-reads the folder; reparses files whose content changed. True when the snapshot changed. Never throws:
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
        if (!Directory.Exists(directory))
        {
            // Keep every cached file: the folder may come back (an editor's or a ConfigMap's swap, a remount).
            var newlyMissing = !Missing;
            Missing = true;
            if (!_built)
            {
                return false; // nothing was ever served: nothing to keep, not ready until the folder appears
            }

            var missing = new Diagnostic(Severity.Warning, DiagnosticCodes.FolderMissing, "FolderMissing", null, null,
                $"the manifest folder {directory} is missing; the last objects read from it ({Snapshot.ObjectCount}) keep serving until it is back",
                new SourceLocation(directory, 1, 1));
            Build([missing]);
            return newlyMissing;
        }

        var changed = Missing;
        Missing = false;
        var extra = new List<Diagnostic>();
        var listing = ManifestFolderWalk.List(directory, limits);
        extra.AddRange(listing.Diagnostics);
        var present = new HashSet<string>(listing.Files, StringComparer.Ordinal);
        // An incomplete listing (a cap, an unreadable subfolder) says nothing of the files it left out: keep them.
        foreach (var gone in _files.Keys.Where(p => listing.Complete && !present.Contains(p)).ToList())
        {
            _files.Remove(gone);
            changed = true;
        }

        foreach (var path in listing.Files)
        {
            if (!File.Exists(path))
            {
                changed |= _files.Remove(path);
                continue;
            }

            var text = ManifestLoader.ReadBounded(path, limits.MaxFileBytes, out var problem);
            if (text is null)
            {
                // Being written, locked or too large: keep what we had; the writer's close event triggers another scan.
                if (!_files.ContainsKey(path) || problem!.Code == DiagnosticCodes.ManifestTooLarge)
                {
                    extra.Add(problem!);
                }

                continue;
            }

            var hash = Convert.ToHexString(Sha256.HashData(Encoding.UTF8.GetBytes(text)));
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
            Build(extra);
        }

        return changed || extra.Count > 0;
    }

    private void Build(IEnumerable<Diagnostic> extra)
    {
        Snapshot = ManifestLoader.Build(_files.Keys.Order(StringComparer.Ordinal).Select(p => _files[p].Effective()), extra, _servedFrom);
        _servedFrom = Snapshot.Origins.ToDictionary(kv => kv.Key, kv => kv.Value.File);
        _built = true;
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
