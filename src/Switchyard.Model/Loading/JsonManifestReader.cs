using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Loading;

/// <summary>
/// Reads JSON manifests (one object, a top-level array of objects, or several concatenated values) into JSON nodes
/// with the line and column of every field. Utf8JsonReader gives byte offsets; a table of line starts turns them
/// into positions.
/// </summary>
internal static class JsonManifestReader
{
    public static void Read(string text, string file, List<ParsedDocument> documents, List<Diagnostic> diagnostics)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new Positions(bytes, file);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowMultipleValues = true,
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = ManifestLimits.MaxDepth,
        });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // A top-level array: each element is one document.
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        documents.Add(ReadDocument(ref reader, lines));
                    }

                    continue;
                }

                documents.Add(ReadDocument(ref reader, lines));
            }
        }
        catch (JsonException ex)
        {
            var at = new SourceLocation(file, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1);
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.YamlSyntax, "JsonSyntaxError", null, null,
                "JSON syntax error: " + (cut > 0 ? message[..cut] : message), at));
        }
    }

    private static ParsedDocument ReadDocument(ref Utf8JsonReader reader, Positions positions)
    {
        var locations = new Dictionary<string, SourceLocation>();
        var start = positions.At(reader.TokenStartIndex);
        var root = ReadValue(ref reader, "", positions, locations);
        return new ParsedDocument(root, start, locations);
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader, string path, Positions positions, Dictionary<string, SourceLocation> locations)
    {
        locations.TryAdd(path, positions.At(reader.TokenStartIndex));
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    var childPath = JsonPaths.Property(path, name);
                    locations[childPath] = positions.At(reader.TokenStartIndex);
                    reader.Read();
                    obj[name] = ReadValue(ref reader, childPath, positions, locations);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                var i = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader, JsonPaths.Index(path, i++), positions, locations));
                }

                return array;
            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString());
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var l))
                {
                    return JsonValue.Create(l);
                }

                // 1e999 is valid JSON but no double: keep its text, the schema check then names the field.
                return reader.TryGetDouble(out var d) && double.IsFinite(d)
                    ? JsonValue.Create(d)
                    : JsonValue.Create(Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    /// <summary>Maps byte offsets to 1-based line and column.</summary>
    private sealed class Positions
    {
        private readonly List<long> _lineStarts = [0];
        private readonly string _file;

        public Positions(byte[] bytes, string file)
        {
            _file = file;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public SourceLocation At(long offset)
        {
            var index = _lineStarts.BinarySearch(offset);
            var line = index >= 0 ? index : ~index - 1;
            return new SourceLocation(_file, line + 1, (int)(offset - _lineStarts[line]) + 1);
        }
    }
}
