using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Kubernetes.Tests.FakeApi;

/// <summary>A small CRD (example.com/v1 Widget, with a status subresource) for testing the fake API server itself.</summary>
internal static class WidgetCrd
{
    public const string Group = "example.com";
    public const string Version = "v1";
    public const string Plural = "widgets";

    public const string Yaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1}
                      color: {type: string, enum: [red, blue]}
                      port: {x-kubernetes-int-or-string: true}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    public static JsonObject Widget(string name, int size, string ns = "default", string? color = null, Dictionary<string, string>? labels = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            var l = new JsonObject();
            foreach (var (k, v) in labels)
            {
                l[k] = v;
            }

            meta["labels"] = l;
        }

        var spec = new JsonObject { ["size"] = size };
        if (color is not null)
        {
            spec["color"] = color;
        }

        return new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = meta, ["spec"] = spec };
    }

    /// <summary>What the client's CustomObjects API returns (a JsonElement) as a JsonObject.</summary>
    public static JsonObject Node(object o) => JsonNode.Parse(((JsonElement)o).GetRawText())!.AsObject();
}
