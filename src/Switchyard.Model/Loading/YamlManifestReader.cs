using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Model.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Switchyard.Model.Loading;

/// <summary>
/// Reads multi-document YAML into JSON nodes, keeping the line and column of every field.
/// The text is split at document markers first and each piece is parsed on its own, so a syntax error
/// costs only the document it is in.
/// </summary>
internal static partial class YamlManifestReader
{
    public static void Read(string text, string file, List<ParsedDocument> documents, List<Diagnostic> diagnostics)
    {
        var budget = new NodeBudget();
        foreach (var (chunk, lineOffset) in SplitDocuments(text))
        {
            var builder = new Builder(file, lineOffset, diagnostics, budget);
            try
            {
                var parser = new Parser(new StringReader(chunk));
                parser.Consume<StreamStart>();
                while (!parser.TryConsume<StreamEnd>(out _))
                {
                    var start = parser.Consume<DocumentStart>();
                    builder.Locations = [];
                    var root = builder.ReadNode(parser, "", 0);
                    parser.Consume<DocumentEnd>();
                    var at = builder.Locations.GetValueOrDefault("") ?? builder.Mark(start.Start);
                    documents.Add(new ParsedDocument(root, at, builder.Locations));
                }
            }
            catch (ManifestLimitException ex)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.ManifestTooLarge, "ManifestTooLarge", null, null,
                    ex.Message, builder.Mark(ex.Start)));
                if (ex.StopsFile)
                {
                    return;
                }
            }
            catch (YamlException ex)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.YamlSyntax, "YamlSyntaxError", null, null,
                    "YAML syntax error: " + CleanMessage(ex.Message), builder.Mark(ex.Start)));
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner sometimes fails this way on broken flow collections; report where it stopped.
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.YamlSyntax, "YamlSyntaxError", null, null,
                    "YAML syntax error: unexpected content (an unclosed '{', '[' or quote?)", builder.LastLocation));
            }
        }
    }

    /// <summary>Splits at lines starting with "---" (a document marker can never appear inside content).</summary>
    private static IEnumerable<(string Chunk, int LineOffset)> SplitDocuments(string text)
    {
        var lines = text.Split('\n');
        var start = 0;
        for (var i = 1; i <= lines.Length; i++)
        {
            if (i == lines.Length || IsDocumentStart(lines[i]))
            {
                yield return (string.Join('\n', lines, start, i - start), start);
                start = i;
            }
        }
    }

    private static bool IsDocumentStart(string line) =>
        line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || char.IsWhiteSpace(line[3]));

    // YamlDotNet prefixes some messages with chunk-relative positions; ours are reported separately.
    private static string CleanMessage(string message) => PositionPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    private sealed class Builder(string file, int lineOffset, List<Diagnostic> diagnostics, NodeBudget budget)
    {
        private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);

        public Dictionary<string, SourceLocation> Locations { get; set; } = [];

        public SourceLocation Mark(Mark mark) => LastLocation = new(file, (int)mark.Line + lineOffset, (int)mark.Column);

        /// <summary>The last position read: where the parser was when it failed without a mark.</summary>
        public SourceLocation LastLocation { get; private set; } = new(file, lineOffset + 1, 1);

        public JsonNode? ReadNode(IParser parser, string path, int depth)
        {
            if (depth > ManifestLimits.MaxDepth)
            {
                throw new ManifestLimitException(parser.Current?.Start ?? YamlDotNet.Core.Mark.Empty,
                    $"the document nests deeper than {ManifestLimits.MaxDepth} levels; it is not read", stopsFile: false);
            }

            budget.Take(1, parser.Current?.Start ?? YamlDotNet.Core.Mark.Empty);
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                Locations.TryAdd(path, Mark(alias.Start));
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
                }

                budget.TakeCopy(target, depth, alias.Start);
                return target?.DeepClone();
            }

            JsonNode? node;
            NodeEvent start;
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                start = scalar;
                Locations.TryAdd(path, Mark(scalar.Start));
                node = ConvertScalar(scalar);
            }
            else if (parser.TryConsume<SequenceStart>(out var seq))
            {
                start = seq;
                Locations.TryAdd(path, Mark(seq.Start));
                var array = new JsonArray();
                var i = 0;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var itemPath = JsonPaths.Index(path, i++);
                    Locations[itemPath] = Mark(parser.Current!.Start);
                    array.Add(ReadNode(parser, itemPath, depth + 1));
                }

                node = array;
            }
            else if (parser.TryConsume<MappingStart>(out var map))
            {
                start = map;
                Locations.TryAdd(path, Mark(map.Start));
                node = ReadMapping(parser, path, depth);
            }
            else
            {
                var ev = parser.Current!;
                throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
            }

            if (!start.Anchor.IsEmpty)
            {
                _anchors[start.Anchor.Value] = node;
            }

            return node;
        }

        private JsonObject ReadMapping(IParser parser, string path, int depth)
        {
            var obj = new JsonObject();
            List<(JsonNode? Node, Mark At)>? merges = null;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out var key))
                {
                    var ev = parser.Current!;
                    throw new YamlException(ev.Start, ev.End, "only plain keys are supported in mappings");
                }

                if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                {
                    // Merge key (kubectl accepts it): explicit keys win, whatever their order.
                    (merges ??= []).Add((ReadNode(parser, path + ".<<", depth + 1), key.Start));
                    continue;
                }

                var childPath = JsonPaths.Property(path, key.Value);
                var keyMark = Mark(key.Start);
                if (obj.ContainsKey(key.Value))
                {
                    diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.DuplicateKey, "DuplicateKey", null, childPath,
                        $"duplicate key \"{key.Value}\"; the last value wins", keyMark));
                    obj.Remove(key.Value);
                }

                Locations[childPath] = keyMark;
                obj[key.Value] = ReadNode(parser, childPath, depth + 1);
            }

            foreach (var (merge, at) in merges ?? [])
            {
                foreach (var source in merge is JsonArray arr ? arr.ToList() : [merge])
                {
                    if (source is JsonObject from)
                    {
                        foreach (var (k, v) in from)
                        {
                            if (!obj.ContainsKey(k))
                            {
                                budget.TakeCopy(v, depth + 1, at);
                                obj[k] = v?.DeepClone();
                            }
                        }
                    }
                }
            }

            return obj;
        }

        private static JsonNode? ConvertScalar(Scalar scalar)
        {
            var value = scalar.Value;
            if (!scalar.Tag.IsEmpty)
            {
                var tag = scalar.Tag.Value;
                if (tag.EndsWith(":int", StringComparison.Ordinal) || tag.EndsWith(":float", StringComparison.Ordinal) ||
                    tag.EndsWith(":bool", StringComparison.Ordinal) || tag.EndsWith(":null", StringComparison.Ordinal))
                {
                    return ResolvePlain(value);
                }

                return JsonValue.Create(value);
            }

            return scalar.Style == ScalarStyle.Plain ? ResolvePlain(value) : JsonValue.Create(value);
        }

        /// <summary>YAML 1.2 core schema resolution of a plain scalar.</summary>
        private static JsonNode? ResolvePlain(string value)
        {
            switch (value)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    return null;
                case "true" or "True" or "TRUE":
                    return JsonValue.Create(true);
                case "false" or "False" or "FALSE":
                    return JsonValue.Create(false);
            }

            if (IntPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return JsonValue.Create(l);
            }

            if (value.StartsWith("0x", StringComparison.Ordinal) &&
                long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                return JsonValue.Create(hex);
            }

            if (OctPattern().IsMatch(value))
            {
                try
                {
                    return JsonValue.Create(Convert.ToInt64(value[2..], 8));
                }
                catch (OverflowException)
                {
                    return JsonValue.Create(value);
                }
            }

            if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                return JsonValue.Create(d);
            }

            return JsonValue.Create(value);
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
