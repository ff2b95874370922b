using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model;

/// <summary>
/// Where an object was read from: the position of the object and of each of its fields, keyed by JSON path
/// relative to the object (<c>spec.routes[1].middlewares[0].name</c>). Line and column are 1-based.
/// </summary>
public sealed record ObjectOrigin(string File, int Line, int Column, ImmutableDictionary<string, SourceLocation> Fields)
{
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
            if (Fields.TryGetValue(path, out var loc))
            {
                return loc;
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
}
