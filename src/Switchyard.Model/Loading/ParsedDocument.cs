using System.Text.Json.Nodes;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Loading;

/// <summary>
/// One document of a manifest file, converted to JSON, with the position of every field.
/// <paramref name="Locations"/> is keyed by JSON path relative to the document ("" is the document itself).
/// </summary>
internal sealed record ParsedDocument(JsonNode? Root, SourceLocation Start, Dictionary<string, SourceLocation> Locations);

/// <summary>JSON path building shared by the readers and the checker.</summary>
internal static class JsonPaths
{
    public static string Property(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int index) => parent + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
}
