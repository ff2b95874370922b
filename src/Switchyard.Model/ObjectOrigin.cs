using System.Collections.Concurrent;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model;

/// <summary>
/// Where an object was read from: the position of the object and of each of its fields, keyed by JSON path
/// relative to the object (<c>spec.routes[1].middlewares[0].name</c>). Line and column are 1-based.
/// </summary>
/// <remarks>
/// Every loaded object keeps its origin for as long as it is served (a later compile may report on it), so the
/// field map is stored compactly: sorted paths (interned: 10 000 IngressRoutes share a few dozen distinct
/// paths) beside packed line/column pairs. As an immutable dictionary of records it was ~2.5 KB per object.
/// </remarks>
public sealed class ObjectOrigin
{
    private readonly string[] _paths;
    private readonly long[] _positions;

    public ObjectOrigin(string file, int line, int column, IEnumerable<KeyValuePair<string, SourceLocation>> fields)
    {
        File = file;
        Line = line;
        Column = column;
        var sorted = fields.Where(f => f.Key.Length > 0).OrderBy(f => f.Key, StringComparer.Ordinal).ToArray();
        _paths = new string[sorted.Length];
        _positions = new long[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            _paths[i] = PathPool.Intern(sorted[i].Key);
            _positions[i] = ((long)sorted[i].Value.Line << 32) | (uint)sorted[i].Value.Column;
        }
    }

    public string File { get; }
    public int Line { get; }
    public int Column { get; }

    /// <summary>The paths of the fields that have a location, in ordinal order.</summary>
    public IReadOnlyList<string> FieldPaths => _paths;

    /// <summary>The object's own location.</summary>
    public SourceLocation Location => new(File, Line, Column);

    /// <summary>
    /// Location of a field; falls back to the nearest parent field that has one, then to the object.
    /// <c>spec.routes[1].middlewares[7]</c> falls back to <c>spec.routes[1].middlewares</c>, then <c>spec.routes[1]</c>...
    /// </summary>
    public SourceLocation Locate(string? fieldPath)
    {
        var path = fieldPath;
        while (!string.IsNullOrEmpty(path))
        {
            var i = Array.BinarySearch(_paths, path, StringComparer.Ordinal);
            if (i >= 0)
            {
                return new SourceLocation(File, (int)(_positions[i] >> 32), (int)(uint)_positions[i]);
            }

            path = Parent(path);
        }

        return Location;
    }

    /// <summary>The parent of a JSON path: <c>a.b[2]</c> → <c>a.b</c> → <c>a</c> → null.</summary>
    public static string? Parent(string path)
    {
        // An index is cut at its '[', a property at its '.'.
        var cut = path.EndsWith(']') ? path.LastIndexOf('[') : path.LastIndexOf('.');
        return cut <= 0 ? null : path[..cut];
    }

    /// <summary>
    /// A process-wide pool of field paths. Bounded: paths with user-chosen keys (labels, annotations) could grow
    /// it without end, so past the cap a path is simply kept as its own string.
    /// </summary>
    private static class PathPool
    {
        private const int Cap = 65_536;
        private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

        public static string Intern(string path)
        {
            if (Pool.TryGetValue(path, out var pooled))
            {
                return pooled;
            }
            return Pool.Count < Cap ? Pool.GetOrAdd(path, path) : path;
        }
    }
}
