using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Crds;

/// <summary>
/// Builds a structural OpenAPI v3 schema (the subset apiextensions.k8s.io/v1 accepts) from a model record by
/// reflection: JSON names from [JsonPropertyName], required from [JsonRequired] / `required`, enums from
/// [AllowedValues], bounds from [Range], IntOrString as x-kubernetes-int-or-string, descriptions from the
/// XML documentation. Objects list their properties, so the API server prunes or (strict field validation)
/// rejects unknown fields; only free-form JSON (plugin configuration) preserves unknown fields.
/// </summary>
public sealed class OpenApiSchemaBuilder(XmlDocumentation docs)
{
    private readonly Stack<Type> _path = new();

    /// <summary>The schema of a top-level resource record (apiVersion, kind, metadata, spec, status).</summary>
    public JsonObject ForResource(Type record)
    {
        var schema = ForRecord(record, docs.Of(record));
        // apiVersion and kind are always present on a stored object; Kubernetes CRDs do not list them as required.
        if (schema["required"] is JsonArray required)
        {
            var kept = required.Select(r => (string)r!).Where(r => r is not ("apiVersion" or "kind")).ToList();
            if (kept.Count == 0) schema.Remove("required");
            else schema["required"] = new JsonArray(kept.Select(k => (JsonNode)k).ToArray());
        }
        return schema;
    }

    private JsonObject ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType, docs.Of(property));
        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema["enum"] = new JsonArray(allowed.Values.Select(v => JsonSerializer.SerializeToNode(v)).ToArray());
        }
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = JsonSerializer.SerializeToNode(range.Minimum);
            // [Range(min, int.MaxValue)] means "no upper bound".
            if (range.Maximum is not (int.MaxValue or long.MaxValue)) schema["maximum"] = JsonSerializer.SerializeToNode(range.Maximum);
        }
        return Ordered(schema);
    }

    private JsonObject ForType(Type type, string? description)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schema = new JsonObject();
        if (description is not null) schema["description"] = description;

        if (type == typeof(string)) schema["type"] = "string";
        else if (type == typeof(bool)) schema["type"] = "boolean";
        else if (type == typeof(int)) { schema["type"] = "integer"; schema["format"] = "int32"; }
        else if (type == typeof(long)) { schema["type"] = "integer"; schema["format"] = "int64"; }
        else if (type == typeof(double)) { schema["type"] = "number"; schema["format"] = "double"; }
        else if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) { schema["type"] = "string"; schema["format"] = "date-time"; }
        else if (type == typeof(IntOrString))
        {
            schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
            schema["x-kubernetes-int-or-string"] = true;
        }
        else if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(JsonObject))
        {
            // Free-form JSON (plugin configuration): kept as it is.
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }
        else if (type == typeof(V1ObjectMeta))
        {
            schema["type"] = "object";
        }
        else if (DictionaryValueType(type) is { } valueType)
        {
            schema["type"] = "object";
            schema["additionalProperties"] = ForType(valueType, null);
        }
        else if (ListItemType(type) is { } itemType)
        {
            schema["type"] = "array";
            schema["items"] = ForType(itemType, IsRecord(itemType) ? docs.Of(itemType) : null);
        }
        else if (IsRecord(type))
        {
            return ForRecord(type, description);
        }
        else
        {
            throw new NotSupportedException($"no OpenAPI mapping for {type} (at {string.Join(" > ", _path.Reverse().Select(t => t.Name))})");
        }
        return Ordered(schema);
    }

    private JsonObject ForRecord(Type type, string? description)
    {
        if (_path.Contains(type))
        {
            throw new InvalidOperationException(
                $"recursive type {type.Name} ({string.Join(" > ", _path.Reverse().Select(t => t.Name))}): structural schemas cannot recurse");
        }
        _path.Push(type);
        try
        {
            var properties = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
            var required = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
                var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                properties.Add(name, ForProperty(property));
                if (property.GetCustomAttribute<JsonRequiredAttribute>() is not null || property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
                {
                    required.Add(name);
                }
            }
            var schema = new JsonObject();
            if (description is not null) schema["description"] = description;
            schema["type"] = "object";
            schema["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
            if (required.Count > 0) schema["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
            return Ordered(schema);
        }
        finally
        {
            _path.Pop();
        }
    }

    /// <summary>Schema keywords in one fixed order, so the generated YAML is stable and reads top-down.</summary>
    private static readonly string[] KeywordOrder =
    [
        "description", "type", "format", "enum", "minimum", "maximum", "anyOf", "items", "additionalProperties",
        "properties", "required", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
    ];

    private static JsonObject Ordered(JsonObject schema)
    {
        var ordered = new JsonObject();
        foreach (var key in KeywordOrder)
        {
            if (schema.Remove(key, out var value)) ordered[key] = value;
        }
        if (schema.Count > 0) throw new InvalidOperationException($"unordered schema keywords: {string.Join(", ", schema.Select(p => p.Key))}");
        return ordered;
    }

    private static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Switchyard.Model", StringComparison.Ordinal) == true;

    private static Type? ListItemType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        if (definition != typeof(IReadOnlyDictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(Dictionary<,>)) return null;
        var args = type.GetGenericArguments();
        return args[0] == typeof(string) ? args[1] : throw new NotSupportedException($"map keys must be strings: {type}");
    }
}
