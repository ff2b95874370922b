using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Crds;

/// <summary>One schema violation: where in the object, and what.</summary>
internal sealed record SchemaError(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>
/// The openAPIV3Schema of every CRD in crds/, turned into JSON Schema (2020-12) the way kube-apiserver
/// applies it with strict field validation (kubectl's default): an object that lists its properties
/// rejects unknown fields unless it preserves them (x-kubernetes-preserve-unknown-fields).
/// </summary>
internal static class CrdSchemas
{
    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(Load);

    public static IReadOnlyCollection<string> ApiVersionKinds => Schemas.Value.Keys;

    public static bool Covers(JsonObject obj) => Schemas.Value.ContainsKey(Key((string?)obj["apiVersion"], (string?)obj["kind"]));

    /// <summary>Validates one custom resource; returns its errors (empty when valid).</summary>
    public static List<SchemaError> Validate(JsonObject obj)
    {
        var key = Key((string?)obj["apiVersion"], (string?)obj["kind"]);
        if (!Schemas.Value.TryGetValue(key, out var schema)) return [new SchemaError("/", $"no CRD in crds/ for {key}")];
        using var document = JsonDocument.Parse(obj.ToJsonString());
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<SchemaError>();
        Collect(results, errors);
        return errors.Distinct().ToList();
    }

    /// <summary>Errors of failed nodes only: a passing anyOf (int-or-string) hides its failed branch.</summary>
    private static void Collect(EvaluationResults node, List<SchemaError> errors)
    {
        if (node.IsValid) return;
        var location = node.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/";
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // additionalProperties: false reports on the property's own false schema.
            errors.Add(keyword is "" or "false"
                ? new SchemaError(location, "unknown field (kube-apiserver strict field validation rejects it)")
                : new SchemaError(location, $"{keyword}: {message}"));
        }
        foreach (var child in node.Details ?? []) Collect(child, errors);
    }

    /// <summary>The JSON Schema kube-apiserver effectively applies for one CRD version's openAPIV3Schema.</summary>
    public static JsonObject ToJsonSchema(JsonObject openApi)
    {
        var schema = Strict((JsonObject)openApi.DeepClone());
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return schema;
    }

    private static JsonObject Strict(JsonObject node)
    {
        var preserve = (bool?)node["x-kubernetes-preserve-unknown-fields"] == true;
        foreach (var key in node.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
        {
            node.Remove(key);
        }
        // "format" stays an annotation (int32/int64/date-time), as JsonSchema.Net does by default.
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (_, child) in properties) Strict((JsonObject)child!);
            if (!preserve && node["additionalProperties"] is null) node["additionalProperties"] = false;
        }
        if (node["items"] is JsonObject items) Strict(items);
        if (node["additionalProperties"] is JsonObject additional) Strict(additional);
        if (node["anyOf"] is JsonArray anyOf) foreach (var option in anyOf) Strict((JsonObject)option!);
        return node;
    }

    private static Dictionary<string, JsonSchema> Load()
    {
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Crds, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var crd in YamlJson.ParseFile(file))
            {
                var group = (string)crd["spec"]!["group"]!;
                var kind = (string)crd["spec"]!["names"]!["kind"]!;
                foreach (var version in crd["spec"]!["versions"]!.AsArray())
                {
                    var openApi = (JsonObject)version!["schema"]!["openAPIV3Schema"]!;
                    var key = Key($"{group}/{version["name"]}", kind);
                    schemas[key] = JsonSchema.FromText(ToJsonSchema(openApi).ToJsonString());
                }
            }
        }
        return schemas;
    }

    private static string Key(string? apiVersion, string? kind) => $"{apiVersion} {kind}";
}
