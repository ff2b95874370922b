using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Loading;

/// <summary>
/// The bounds of one manifest folder (issue 17.4): a folder is read only up to these, so a link loop, a million
/// files or a folder of huge files costs a diagnostic, not the process's memory and minutes of reload.
/// </summary>
/// <param name="MaxFiles">Most manifest files read from the folder (in the walk's order); the rest are not read.</param>
/// <param name="MaxTotalBytes">Most bytes of manifest files read from the folder; files past it are not read.</param>
/// <param name="MaxFileBytes">Largest single manifest file.</param>
public sealed record FolderLimits(int MaxFiles = 10_000, long MaxTotalBytes = 256L << 20, long MaxFileBytes = ManifestLimits.DefaultMaxFileBytes)
{
    public static FolderLimits Default { get; } = new();
}

/// <summary>What a folder holds: its manifest files in ordinal order, what was skipped, and whether the list is whole.</summary>
/// <param name="Complete">False when a cap was reached or a directory could not be listed: files missing from the list
/// may still exist (a watcher keeps their last objects rather than dropping them).</param>
public sealed record FolderListing(ImmutableArray<string> Files, ImmutableArray<Diagnostic> Diagnostics, bool Complete);

/// <summary>
/// Lists the manifest files under a folder: *.yaml, *.yml, *.json, recursively, entries starting with '.' skipped
/// (editor swap files, a ConfigMap mount's <c>..data</c>). Directory links are followed once: a directory whose
/// resolved path was already read (a loop, or a second link to it) is skipped with SY013. Never recursive, so a
/// deep tree cannot exhaust the stack.
/// </summary>
public static class ManifestFolderWalk
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Links resolved for one path before giving up, like the kernel's ELOOP bound.</summary>
    private const int MaxLinkHops = 40;

    public static FolderListing List(string directory, FolderLimits? limits = null)
    {
        limits ??= FolderLimits.Default;
        var files = new List<string>();
        var diagnostics = new List<Diagnostic>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Path, string Real)>();
        pending.Push((directory, RealPath(directory)));
        visited.Add(pending.Peek().Real);
        long totalBytes = 0;
        var complete = true;
        while (pending.Count > 0)
        {
            var (dir, real) = pending.Pop();
            string[] entries;
            try
            {
                entries = Directory.GetFileSystemEntries(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.FileUnreadable, "FileUnreadable", null, null,
                    $"cannot list {dir}: {ex.Message}", new SourceLocation(dir, 1, 1)));
                complete = false;
                continue;
            }

            Array.Sort(entries, StringComparer.Ordinal);
            // Pushed in reverse so subdirectories are read in ordinal order: the caps cut the same files every time.
            for (var i = entries.Length - 1; i >= 0; i--)
            {
                var entry = entries[i];
                var name = Path.GetFileName(entry);
                if (name.StartsWith('.') || !Directory.Exists(entry))
                {
                    continue;
                }

                var entryReal = IsLink(entry) ? RealPath(entry) : Path.Combine(real, name);
                if (!visited.Add(entryReal))
                {
                    diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.SymlinkLoop, "SymlinkLoop", null, null,
                        $"{entry} leads to {entryReal}, a directory already read (a link loop or a second link to it); it is skipped",
                        new SourceLocation(entry, 1, 1)));
                    continue;
                }

                pending.Push((entry, entryReal));
            }

            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                if (name.StartsWith('.') || Directory.Exists(entry) || !Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (files.Count >= limits.MaxFiles)
                {
                    diagnostics.Add(Cap(directory, $"holds more than {limits.MaxFiles:N0} manifest files; {entry} and the files after it are not read"));
                    return new FolderListing([.. files.Order(StringComparer.Ordinal)], [.. diagnostics], Complete: false);
                }

                var size = SizeOf(entry);
                if (totalBytes + Math.Min(size, limits.MaxFileBytes + 1) > limits.MaxTotalBytes)
                {
                    diagnostics.Add(Cap(directory, $"holds more than {limits.MaxTotalBytes:N0} bytes of manifests; {entry} and the files after it are not read"));
                    return new FolderListing([.. files.Order(StringComparer.Ordinal)], [.. diagnostics], Complete: false);
                }

                totalBytes += Math.Min(size, limits.MaxFileBytes + 1); // a file over its own bound is never read whole
                files.Add(entry);
            }
        }

        return new FolderListing([.. files.Order(StringComparer.Ordinal)], [.. diagnostics], complete);
    }

    private static Diagnostic Cap(string directory, string what) =>
        new(Severity.Error, DiagnosticCodes.ManifestTooLarge, "ManifestTooLarge", null, null, $"{directory} {what}", new SourceLocation(directory, 1, 1));

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // reading it reports the problem
        }
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new DirectoryInfo(path).LinkTarget is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The path with every link along it resolved (realpath(3)): two paths reach the same directory exactly when
    /// their real paths are equal. A chain of more than <see cref="MaxLinkHops"/> links resolves no further.
    /// </summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hops = 0; hops < MaxLinkHops; hops++)
        {
            var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = Path.GetPathRoot(full) ?? "/";
            string? restarted = null;
            for (var i = 0; i < parts.Length && restarted is null; i++)
            {
                var next = Path.Combine(current, parts[i]);
                string? target;
                try
                {
                    target = new FileInfo(next).LinkTarget;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    target = null;
                }

                if (target is null)
                {
                    current = next;
                    continue;
                }

                // Resolve the link against its own directory, then re-walk the rest of the path from there.
                restarted = Path.GetFullPath(Path.Combine([Path.Combine(current, target), .. parts[(i + 1)..]]));
            }

            if (restarted is null)
            {
                return current;
            }

            full = restarted;
        }

        return full;
    }
}
