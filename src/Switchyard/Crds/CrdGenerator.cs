using System.Text.Json.Nodes;
using Switchyard.Model.Traefik;

namespace Switchyard.Crds;

/// <summary>One generated file: its name (e.g. traefik.io_ingressroutes.yaml) and its YAML text.</summary>
public sealed record CrdFile(string FileName, string Yaml);

/// <summary>
/// Generates the apiextensions.k8s.io/v1 CustomResourceDefinitions of every kind in both API groups from the
/// C# model. Output is deterministic (sorted properties, fixed key order, no timestamps), so a test can
/// compare it byte for byte with the committed crds/ folder.
/// </summary>
public static class CrdGenerator
{
    public const string Header =
        "# Generated from the C# model (src/Switchyard.Model/Traefik) by `switchyard crds`. Do not edit.\n";

    public static IReadOnlyList<CrdFile> Generate(XmlDocumentation docs)
    {
        var files = new List<CrdFile>();
        foreach (var group in CrdKind.Groups)
        {
            foreach (var kind in CrdKind.All)
            {
                var crd = Build(group, kind, new OpenApiSchemaBuilder(docs).ForResource(kind.Record));
                files.Add(new CrdFile($"{group}_{kind.Plural}.yaml", Header + "---\n" + YamlWriter.Write(crd)));
            }
        }
        return files;
    }

    /// <summary>Generates with the documentation file that sits beside the model assembly.</summary>
    public static IReadOnlyList<CrdFile> Generate() =>
        Generate(XmlDocumentation.For(typeof(IngressRoute).Assembly));

    private static JsonObject Build(string group, CrdKind kind, JsonObject schema) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{kind.Plural}.{group}",
            ["labels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "switchyard" },
        },
        ["spec"] = new JsonObject
        {
            ["group"] = group,
            ["names"] = new JsonObject
            {
                ["categories"] = new JsonArray("traefik", "switchyard"),
                ["kind"] = kind.Kind,
                ["listKind"] = kind.ListKind,
                ["plural"] = kind.Plural,
                ["singular"] = kind.Singular,
            },
            ["scope"] = "Namespaced",
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = TraefikApi.Version,
                ["served"] = true,
                ["storage"] = true,
                ["additionalPrinterColumns"] = PrinterColumns(kind),
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            }),
        },
    };

    /// <summary>`kubectl get` shows the condition that sums the object up, its reason, and the age.</summary>
    private static JsonArray PrinterColumns(CrdKind kind)
    {
        var condition = $".status.conditions[?(@.type==\"{kind.ConditionColumn}\")]";
        return new JsonArray(
            new JsonObject
            {
                ["name"] = kind.ConditionColumn,
                ["type"] = "string",
                ["description"] = $"Status of the {kind.ConditionColumn} condition",
                ["jsonPath"] = condition + ".status",
            },
            new JsonObject
            {
                ["name"] = "Reason",
                ["type"] = "string",
                ["description"] = $"Reason of the {kind.ConditionColumn} condition",
                ["jsonPath"] = condition + ".reason",
            },
            new JsonObject
            {
                ["name"] = "Age",
                ["type"] = "date",
                ["jsonPath"] = ".metadata.creationTimestamp",
            });
    }
}
