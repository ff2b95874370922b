using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// A structural checker for CRD openAPIV3Schema, covering what CRDs use: type, properties, required, items,
/// additionalProperties, enum, minimum/maximum, minItems/maxItems, minLength/maxLength, pattern, anyOf/oneOf
/// of types, nullable, x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields. Unknown fields
/// are pruned like kube-apiserver does, or reported when the caller asked for strict field validation.
/// </summary>
public static class SchemaValidator
{
    /// <summary>Validates (and prunes) <paramref name="obj"/> in place; returns the violations.</summary>
    public static List<(string Field, string Message)> Validate(JsonObject schema, JsonObject obj, bool strictUnknownFields)
    {
        var errors = new List<(string, string)>();
        // metadata, apiVersion and kind are validated by the server itself, never pruned by the CRD schema.
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }

            var props = schema["properties"] as JsonObject;
            if (props?[key] is JsonObject propSchema)
            {
                Check(propSchema, value, key, errors, strictUnknownFields);
            }
            else if (!PreservesUnknown(schema))
            {
                Unknown(obj, key, key, errors, strictUnknownFields);
            }
        }

        Required(schema, obj, "", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<(string, string)> errors, bool strict)
    {
        if (value is null)
        {
            if ((bool?)schema["nullable"] != true)
            {
                errors.Add((path, "Invalid value: \"null\": must not be null"));
            }

            return;
        }

        if ((bool?)schema["x-kubernetes-int-or-string"] == true)
        {
            if (!IsKind(value, JsonValueKind.String) && !IsInteger(value))
            {
                errors.Add((path, $"Invalid value: {Short(value)}: must be an integer or a string"));
            }

            return;
        }

        if (schema["anyOf"] is JsonArray anyOf && schema["type"] is null)
        {
            if (!anyOf.OfType<JsonObject>().Any(alt => TypeMatches((string?)alt["type"], value)))
            {
                errors.Add((path, $"Invalid value: {Short(value)}: does not match any allowed type"));
            }

            return;
        }

        var type = (string?)schema["type"];
        if (!TypeMatches(type, value))
        {
            errors.Add((path, $"Invalid value: \"{KindName(value)}\": {path} in body must be of type {type}: \"{KindName(value)}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var list = string.Join(", ", allowed.Select(a => a?.ToJsonString()));
            errors.Add((path, $"Unsupported value: {value.ToJsonString()}: supported values: {list}"));
        }

        switch (value)
        {
            case JsonObject o:
                CheckObject(schema, o, path, errors, strict);
                break;
            case JsonArray a:
                if (schema["minItems"] is JsonNode min && a.Count < (int)Num(min))
                {
                    errors.Add((path, $"Invalid value: {a.Count}: must have at least {(int)Num(min)} items"));
                }

                if (schema["maxItems"] is JsonNode max && a.Count > (int)Num(max))
                {
                    errors.Add((path, $"Too many: {a.Count}: must have at most {(int)Num(max)} items"));
                }

                if (schema["items"] is JsonObject itemSchema)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Check(itemSchema, a[i], $"{path}[{i}]", errors, strict);
                    }
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = (string)v!;
                if (schema["minLength"] is JsonNode minL && s.Length < (int)Num(minL))
                {
                    errors.Add((path, $"Invalid value: \"{s}\": should be at least {(int)Num(minL)} chars long"));
                }

                if (schema["maxLength"] is JsonNode maxL && s.Length > (int)Num(maxL))
                {
                    errors.Add((path, $"Too long: may not be more than {(int)Num(maxL)} bytes"));
                }

                if (schema["pattern"] is JsonNode pattern && !Regex.IsMatch(s, (string)pattern!))
                {
                    errors.Add((path, $"Invalid value: \"{s}\": {path} in body should match '{(string)pattern!}'"));
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var d = Num(v);
                if (schema["minimum"] is JsonNode mn && d < Num(mn))
                {
                    errors.Add((path, $"Invalid value: {d}: {path} in body should be greater than or equal to {Num(mn)}"));
                }

                if (schema["maximum"] is JsonNode mx && d > Num(mx))
                {
                    errors.Add((path, $"Invalid value: {d}: {path} in body should be less than or equal to {Num(mx)}"));
                }

                break;
        }
    }

    private static void CheckObject(JsonObject schema, JsonObject obj, string path, List<(string, string)> errors, bool strict)
    {
        var props = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var (key, child) in obj.ToList())
        {
            var childPath = $"{path}.{key}";
            if (props?[key] is JsonObject propSchema)
            {
                Check(propSchema, child, childPath, errors, strict);
            }
            else if (additional is JsonObject addSchema)
            {
                Check(addSchema, child, childPath, errors, strict);
            }
            else if (additional is JsonValue addBool && (bool)addBool)
            {
                // additionalProperties: true keeps anything.
            }
            else if (!PreservesUnknown(schema))
            {
                Unknown(obj, key, childPath, errors, strict);
            }
        }

        Required(schema, obj, path, errors);
    }

    private static void Required(JsonObject schema, JsonObject obj, string path, List<(string, string)> errors)
    {
        foreach (var req in schema["required"]?.AsArray() ?? [])
        {
            var name = (string)req!;
            if (!obj.ContainsKey(name))
            {
                errors.Add((path.Length == 0 ? name : $"{path}.{name}", "Required value"));
            }
        }
    }

    private static void Unknown(JsonObject parent, string key, string path, List<(string, string)> errors, bool strict)
    {
        if (strict)
        {
            errors.Add((path, $"unknown field \"{path}\""));
        }
        else
        {
            parent.Remove(key);
        }
    }

    private static bool PreservesUnknown(JsonObject schema) => (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true;

    private static bool TypeMatches(string? type, JsonNode value) => type switch
    {
        null => true,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => IsKind(value, JsonValueKind.String),
        "integer" => IsInteger(value),
        "number" => IsKind(value, JsonValueKind.Number),
        "boolean" => IsKind(value, JsonValueKind.True) || IsKind(value, JsonValueKind.False),
        _ => true,
    };

    private static bool IsKind(JsonNode value, JsonValueKind kind) => value is JsonValue v && v.GetValueKind() == kind;

    private static bool IsInteger(JsonNode value) =>
        IsKind(value, JsonValueKind.Number) && Math.Abs(Num(value) % 1) < double.Epsilon;

    // Numbers may be stored as long (from YAML) or double (from JSON): read them through their text.
    private static double Num(JsonNode n) => double.Parse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string KindName(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
    };

    private static string Short(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length > 40 ? text[..40] + "…" : text;
    }
}
