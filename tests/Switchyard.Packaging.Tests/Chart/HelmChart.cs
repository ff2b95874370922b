using System.Text.Json.Nodes;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>Runs the real helm binary on charts/switchyard and gives the rendered objects.</summary>
internal static class HelmChart
{
    public const string Release = "gw";
    public const string Namespace = "switchyard-system";

    /// <summary>`helm template` with an optional values file; asserts success and returns the raw YAML.</summary>
    public static async Task<string> TemplateYamlAsync(string? valuesFile, CancellationToken ct, params string[] extra)
    {
        var result = await TemplateAsync(valuesFile, ct, extra);
        Assert.That(result.ExitCode, Is.Zero, $"helm template failed for {valuesFile ?? "default values"}:\n{result}");
        return result.StdOut;
    }

    public static Task<ProcessResult> TemplateAsync(string? valuesFile, CancellationToken ct, params string[] extra)
    {
        var args = new List<string> { "template", Release, RepoPaths.Chart, "--namespace", Namespace };
        if (valuesFile is not null) args.AddRange(["--values", valuesFile]);
        args.AddRange(extra);
        return ProcessRunner.RunAsync(RepoPaths.Helm, args, cancellationToken: ct);
    }

    public static async Task<Rendered> RenderAsync(string? valuesFile, CancellationToken ct) =>
        new(YamlJson.ParseObjects(await TemplateYamlAsync(valuesFile, ct)));

    public static string ValuesFile(string name) => Path.Combine(RepoPaths.TestData, "values", name);
}

/// <summary>The objects of one `helm template` run, looked up by kind (and name).</summary>
internal sealed class Rendered(List<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> Objects => objects;

    public IEnumerable<JsonObject> All(string kind) => objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind)
    {
        var found = All(kind).ToList();
        Assert.That(found, NUnit.Framework.Has.Count.EqualTo(1), $"expected exactly one {kind}, rendered: {Kinds}");
        return found[0];
    }

    public bool Contains(string kind) => All(kind).Any();

    public string Kinds => string.Join(", ", objects.Select(o => $"{o["kind"]}/{o["metadata"]?["name"]}"));

    public JsonObject Container =>
        (JsonObject)Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
            .Single(c => (string?)c!["name"] == "switchyard")!;

    public JsonObject PodSpec => (JsonObject)Single("Deployment")["spec"]!["template"]!["spec"]!;

    public string? Env(string name) =>
        (string?)Container["env"]!.AsArray().FirstOrDefault(e => (string?)e!["name"] == name)?["value"];

    public int ContainerPort(string name) =>
        (int)Container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!;

    /// <summary>The static config the ConfigMap carries, parsed.</summary>
    public JsonObject StaticConfig =>
        YamlJson.ParseObjects((string)Single("ConfigMap")["data"]!["switchyard.yaml"]!).Single();
}
