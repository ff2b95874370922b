using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Loading;

/// <summary>
/// Walks an object's JSON against its .NET type before deserializing, so every problem gets its own diagnostic at
/// the exact field: unknown fields (SY002, with a "did you mean" hint), wrong types (SY004) and missing required
/// fields (SY005) are errors that refuse the object, like the API server's strict field validation. The
/// serializer alone would stop at the first problem and silently skip unknown fields.
/// </summary>
internal sealed class SchemaChecker(ResourceRef resource, Func<string, SourceLocation> locate, List<Diagnostic> diagnostics)
{
    public bool HasErrors { get; private set; }

    public void Check(Type type, JsonNode? node, string path)
    {
        if (node is null)
        {
            return; // null means absent; required-ness is checked by the parent.
        }

        switch (TypeShape.Of(type))
        {
            case AnyShape:
                return;
            case ScalarShape scalar:
                CheckScalar(scalar, node, path);
                return;
            case ListShape list:
                if (node is not JsonArray array)
                {
                    WrongType(path, "a list", node);
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Check(list.ItemType, array[i], JsonPaths.Index(path, i));
                }

                return;
            case MapShape map:
                if (node is not JsonObject dict)
                {
                    WrongType(path, "a map", node);
                    return;
                }

                foreach (var (key, value) in dict)
                {
                    Check(map.ValueType, value, JsonPaths.Property(path, key));
                }

                return;
            case ObjectShape shape:
                CheckObject(shape, node, path);
                return;
        }
    }

    private void CheckObject(ObjectShape shape, JsonNode node, string path)
    {
        if (node is not JsonObject obj)
        {
            WrongType(path, "an object", node);
            return;
        }

        foreach (var (key, value) in obj)
        {
            var childPath = JsonPaths.Property(path, key);
            if (shape.Properties.TryGetValue(key, out var property))
            {
                Check(property.Type, value, childPath);
            }
            else if (!shape.AllowsExtra)
            {
                // kubectl apply --validate=strict (the default since Kubernetes 1.27) refuses the whole object, and the
                // API server stores nothing: a misplaced field (`schema: h2c`) must not turn into a silent default.
                var hint = NameHints.Suggest(key, shape.Properties.Keys);
                Error(DiagnosticCodes.UnknownField, "UnknownField", childPath,
                    $"unknown field \"{childPath}\"{(hint is null ? "" : $" (did you mean \"{hint}\"?)")}: the object is refused, as kubectl apply --validate=strict refuses it",
                    locate(childPath));
            }
        }

        foreach (var property in shape.Properties.Values)
        {
            if (property.Required && (!obj.TryGetPropertyValue(property.JsonName, out var value) || value is null))
            {
                var missingPath = JsonPaths.Property(path, property.JsonName);
                Error(DiagnosticCodes.MissingField, "MissingField", missingPath,
                    $"missing required field \"{property.JsonName}\"{(path.Length == 0 ? "" : $" in {path}")}", locate(path));
            }
        }
    }

    private void CheckScalar(ScalarShape shape, JsonNode node, string path)
    {
        var kind = node.GetValueKind();
        switch (shape.Kind)
        {
            case ScalarKind.String when kind != JsonValueKind.String:
                WrongType(path, "a string", node);
                break;
            case ScalarKind.Bool when kind is not (JsonValueKind.True or JsonValueKind.False):
                WrongType(path, "true or false", node);
                break;
            case ScalarKind.Integer when !IsInteger(node, shape):
                WrongType(path, "an integer", node);
                break;
            case ScalarKind.Number when kind != JsonValueKind.Number:
                WrongType(path, "a number", node);
                break;
            case ScalarKind.IntOrString when kind != JsonValueKind.String && !IsInteger(node, shape):
                WrongType(path, "an integer or a string", node);
                break;
            case ScalarKind.StringOrNumber when kind is not (JsonValueKind.String or JsonValueKind.Number):
                WrongType(path, "a string or a number", node);
                break;
            case ScalarKind.Base64 when kind != JsonValueKind.String || !IsBase64(node.GetValue<string>()):
                WrongType(path, "a base64 string", node);
                break;
        }
    }

    private static bool IsInteger(JsonNode node, ScalarShape shape)
    {
        if (node.GetValueKind() != JsonValueKind.Number || node is not JsonValue value)
        {
            return false;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l >= shape.Min && l <= shape.Max;
        }

        return value.TryGetValue<double>(out var d) && Math.Floor(d) == d && d >= shape.Min && d <= shape.Max;
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private void WrongType(string path, string expected, JsonNode node)
    {
        var field = path.Length == 0 ? "the object" : $"\"{path}\"";
        Error(DiagnosticCodes.InvalidValue, "InvalidValue", path, $"{field} must be {expected}, not {Describe(node)}", locate(path));
    }

    private void Error(string code, string reason, string path, string message, SourceLocation at)
    {
        HasErrors = true;
        diagnostics.Add(new Diagnostic(Severity.Error, code, reason, resource, path.Length == 0 ? null : path, message, at));
    }

    internal static string Describe(JsonNode node)
    {
        if (node is JsonObject)
        {
            return "an object";
        }

        if (node is JsonArray list)
        {
            // Never render a whole (possibly huge or deep) list: its first item's kind is enough to recognise it.
            return list.Count == 0 ? "an empty list" : $"a list of {list.Count} (first: {(list[0] is { } first ? Describe(first) : "null")})";
        }

        var text = node.ToJsonString();
        if (text.Length > 40)
        {
            text = text[..37] + "...";
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {text}",
            JsonValueKind.Number => $"the number {text}",
            _ => text,
        };
    }
}
