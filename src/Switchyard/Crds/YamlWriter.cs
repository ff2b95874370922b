using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchyard.Crds;

/// <summary>
/// Writes a JSON tree as block-style YAML with a fixed layout: keys in the tree's order, two-space indents,
/// list items indented under their key, strings plain when unambiguous (for YAML 1.1 and 1.2 readers alike)
/// and double-quoted otherwise. Deterministic by construction.
/// </summary>
public static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuotedString = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node)
    {
        var text = new StringBuilder();
        WriteBlock(node, 0, text);
        return text.ToString();
    }

    private static void WriteBlock(JsonNode? node, int indent, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    text.Append(' ', indent).Append(Scalar(key)).Append(':');
                    WriteValue(value, indent, text);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    text.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 } itemObject)
                    {
                        // The first key shares the dash's line; the rest align under it.
                        var first = true;
                        foreach (var (key, value) in itemObject)
                        {
                            if (!first) text.Append(' ', indent + 2);
                            else text.Append(' ');
                            first = false;
                            text.Append(Scalar(key)).Append(':');
                            WriteValue(value, indent + 2, text);
                        }
                    }
                    else
                    {
                        WriteValue(item, indent, text);
                    }
                }
                break;
            default:
                text.Append(Scalar(node)).Append('\n');
                break;
        }
    }

    /// <summary>Writes what follows "key:" or "-": an inline scalar / empty collection, or a nested block.</summary>
    private static void WriteValue(JsonNode? value, int indent, StringBuilder text)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                text.Append(" {}\n");
                break;
            case JsonArray { Count: 0 }:
                text.Append(" []\n");
                break;
            case JsonObject or JsonArray:
                text.Append('\n');
                WriteBlock(value, indent + 2, text);
                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue(out string? s) => Scalar(s),
        JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue(out long l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out double d) => d.ToString("R", CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    private static string Scalar(string s) =>
        PlainSafe().IsMatch(s) && !Reserved().IsMatch(s) ? s : JsonSerializer.Serialize(s, QuotedString);

    // Plain scalars: start with a letter, no characters YAML gives meaning to (':', '#', '{', '[', quotes, ...),
    // no trailing space.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9 _./(),=+-]*(?<! )$")]
    private static partial Regex PlainSafe();

    // Words a YAML 1.1 or 1.2 reader would not read as a string.
    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$")]
    private static partial Regex Reserved();
}
