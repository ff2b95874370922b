using System.Text;

namespace Switchyard.Reliability.Tests.Loading;

/// <summary>Manifests built to hurt a loader: deep nesting, alias bombs, huge values.</summary>
internal static class HostileManifests
{
    /// <summary>A Middleware whose plugin configuration is a flow list nested <paramref name="depth"/> levels.</summary>
    public static string DeepFlowPlugin(int depth, string name = "deep") =>
        $"apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {{name: {name}}}\nspec:\n  plugin:\n    x: {new string('[', depth)}{new string(']', depth)}\n";

    /// <summary>Block-style nesting: "- - - - x" opens one sequence per dash on a single line.</summary>
    public static string DeepBlockSequence(int depth) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  v: " + string.Concat(Enumerable.Repeat("- ", depth)) + "x\n";

    /// <summary>Nested flow mappings {a: {a: ...}}.</summary>
    public static string DeepFlowMapping(int depth) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "x" + new string('}', depth) + "\n";

    /// <summary>The same Middleware as JSON.</summary>
    public static string DeepJson(int depth) =>
        "{\"apiVersion\":\"traefik.io/v1alpha1\",\"kind\":\"Middleware\",\"metadata\":{\"name\":\"deep\"},\"spec\":{\"plugin\":{\"x\":" +
        new string('[', depth) + new string(']', depth) + "}}}";

    /// <summary>"Billion laughs": <paramref name="levels"/> anchors, each a list of ten aliases of the previous one.</summary>
    public static string BillionLaughs(int levels = 9)
    {
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nx:\n  l0: &l0 [lol]\n");
        for (var i = 1; i <= levels; i++)
        {
            text.Append($"  l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))).Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>A good object to check that the rest of a folder keeps being served.</summary>
    public static string ConfigMap(string name, string value) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{v: \"{value}\"}}\n";
}
