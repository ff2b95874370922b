using System.Text.Json.Nodes;
using Switchyard.Crds;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Crds;

/// <summary>crds/ is what `switchyard crds` generates from the model, the chart carries the same files, and the schemas are structural.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class CrdGenerationTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Switchyard_crds_output_is_byte_identical_to_the_committed_crds_folder(CancellationToken ct)
    {
        var outDir = Directory.CreateTempSubdirectory("switchyard-crds-").FullName;
        try
        {
            var result = await ProcessRunner.RunSwitchyardAsync(["crds", "--out", outDir],
                timeout: TimeSpan.FromMinutes(1), cancellationToken: ct);
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            var generated = Listing(outDir);
            var committed = Listing(RepoPaths.Crds);
            Assert.That(committed.Keys, Is.EquivalentTo(generated.Keys), "crds/ has other files than `switchyard crds` writes");
            foreach (var (name, bytes) in generated)
            {
                Assert.That(committed[name], Is.EqualTo(bytes),
                    $"crds/{name} is out of date with the model: run the `scripts/switchyard crds` commands of the README (Install with Helm)");
            }
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Switchyard_crds_check_reports_an_outdated_file_and_exits_1(CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-crds-check-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(RepoPaths.Crds)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            var target = Path.Combine(dir, "traefik.io_ingressroutes.yaml");
            await File.AppendAllTextAsync(target, "# edited by hand\n", ct);

            var result = await ProcessRunner.RunSwitchyardAsync(["crds", "--out", dir, "--check"], cancellationToken: ct);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.StdErr, Does.Contain("out of date").And.Contain("traefik.io_ingressroutes.yaml"));

            var fix = await ProcessRunner.RunSwitchyardAsync(["crds", "--out", dir], cancellationToken: ct);
            Assert.That(fix.ExitCode, Is.Zero, fix.ToString());
            var again = await ProcessRunner.RunSwitchyardAsync(["crds", "--out", dir, "--check"], cancellationToken: ct);
            Assert.That(again.ExitCode, Is.Zero, again.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Generation_is_deterministic()
    {
        var first = CrdGenerator.Generate();
        var second = CrdGenerator.Generate();
        Assert.That(second.Select(f => f.Yaml), Is.EqualTo(first.Select(f => f.Yaml)));
    }

    [Test]
    public void Chart_crds_are_identical_to_crds_traefik_io_in_crds_and_the_legacy_group_in_crds_legacy()
    {
        var top = Listing(RepoPaths.Crds);
        var chart = Listing(RepoPaths.ChartCrds);
        var legacy = Listing(Path.Combine(RepoPaths.Chart, "crds-legacy"));
        Assert.That(chart.Keys, Is.EquivalentTo(top.Keys.Where(k => k.StartsWith("traefik.io_", StringComparison.Ordinal))));
        Assert.That(legacy.Keys, Is.EquivalentTo(top.Keys.Where(k => k.StartsWith("traefik.containo.us_", StringComparison.Ordinal))));
        foreach (var (name, bytes) in top)
        {
            var (folder, files) = chart.ContainsKey(name) ? ("crds", chart) : ("crds-legacy", legacy);
            Assert.That(files[name], Is.EqualTo(bytes), $"charts/switchyard/{folder}/{name} differs from crds/{name}");
        }
    }

    [Test]
    public void Every_kind_exists_in_both_groups_with_status_subresource_and_printer_columns()
    {
        var crds = AllCrds();
        var names = crds.Select(c => (string)c["metadata"]!["name"]!).ToList();
        foreach (var group in new[] { "traefik.io", "traefik.containo.us" })
        {
            foreach (var plural in new[] { "ingressroutes", "middlewares", "serverstransports", "tlsoptions", "tlsstores", "traefikservices",
                         "ingressroutetcps", "ingressrouteudps", "middlewaretcps", "serverstransporttcps" })
                Assert.That(names, Does.Contain($"{plural}.{group}"));
        }
        Assert.That(crds, Has.Count.EqualTo(20));
        foreach (var crd in crds)
        {
            var name = (string)crd["metadata"]!["name"]!;
            Assert.That((string?)crd["spec"]!["scope"], Is.EqualTo("Namespaced"), name);
            var version = crd["spec"]!["versions"]!.AsArray().Single()!;
            Assert.That((string?)version["name"], Is.EqualTo("v1alpha1"), name);
            Assert.That((bool)version["served"]! && (bool)version["storage"]!, Is.True, name);
            Assert.That(version["subresources"]!["status"], Is.Not.Null, $"{name}: status subresource");
            var columns = version["additionalPrinterColumns"]!.AsArray();
            var expected = name.StartsWith("ingressroute", StringComparison.Ordinal) ? "Ready" : "Accepted";
            Assert.That(columns.Select(c => (string?)c!["name"]), Is.EqualTo(new[] { expected, "Reason", "Age" }), name);
            Assert.That((string?)columns[0]!["jsonPath"], Is.EqualTo($".status.conditions[?(@.type==\"{expected}\")].status"));
            Assert.That((string?)columns[1]!["jsonPath"], Is.EqualTo($".status.conditions[?(@.type==\"{expected}\")].reason"));
            Assert.That((string?)columns[2]!["type"], Is.EqualTo("date"));
        }
    }

    [Test]
    public void Schemas_are_structural_with_descriptions_and_preserve_unknown_fields_only_for_plugins()
    {
        foreach (var crd in AllCrds())
        {
            var name = (string)crd["metadata"]!["name"]!;
            var schema = (JsonObject)crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
            var problems = new List<string>();
            var preserved = new List<string>();
            Structural(schema, "", problems, preserved);
            Assert.That(problems, Is.Empty, $"{name}:\n{string.Join('\n', problems)}");
            var expectedPreserved = name.StartsWith("middlewares.", StringComparison.Ordinal) ? new[] { ".spec.plugin.*" } : [];
            Assert.That(preserved, Is.EqualTo(expectedPreserved), name);
            Assert.That(schema["properties"]!["spec"]!["description"], Is.Not.Null, $"{name}: descriptions come from the XML doc comments");
        }
    }

    [Test]
    public void Schemas_carry_required_fields_enums_and_int_or_string_from_the_model()
    {
        var route = Schema("ingressroutes.traefik.io")["properties"]!["spec"]!["properties"]!["routes"]!["items"]!;
        Assert.That(route["required"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "match" }));
        Assert.That(route["properties"]!["kind"]!["enum"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "Rule" }));
        var service = route["properties"]!["services"]!["items"]!;
        Assert.That((bool?)service["properties"]!["port"]!["x-kubernetes-int-or-string"], Is.True);
        Assert.That(service["properties"]!["port"]!["anyOf"]!.ToJsonString(), Is.EqualTo("""[{"type":"integer"},{"type":"string"}]"""));
        Assert.That((string?)service["properties"]!["match"], Is.Null);
        Assert.That((string?)service["properties"]!["scheme"]!["description"], Does.Contain("h2c"));
        var top = Schema("ingressroutes.traefik.io");
        Assert.That(top["required"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "metadata", "spec" }));
        var status = top["properties"]!["status"]!["properties"]!["conditions"]!["items"]!;
        Assert.That(status["required"]!.AsArray().Select(r => (string?)r), Is.EquivalentTo(new[] { "status", "type" }));
    }

    private static JsonObject Schema(string crdName) =>
        (JsonObject)AllCrds().Single(c => (string?)c["metadata"]!["name"] == crdName)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    /// <summary>
    /// The rules of a structural schema (apiextensions.k8s.io/v1): every node has a type unless it is
    /// int-or-string or preserves unknown fields; properties and additionalProperties exclude each other;
    /// anyOf only in the int-or-string pattern; no $ref, oneOf, allOf, not.
    /// </summary>
    private static void Structural(JsonObject node, string path, List<string> problems, List<string> preserved)
    {
        var intOrString = (bool?)node["x-kubernetes-int-or-string"] == true;
        var preserve = (bool?)node["x-kubernetes-preserve-unknown-fields"] == true;
        if (preserve) preserved.Add(path);
        if (node["type"] is null && !intOrString && !preserve) problems.Add($"{path}: no type");
        if (node["properties"] is not null && node["additionalProperties"] is not null) problems.Add($"{path}: properties and additionalProperties");
        foreach (var keyword in new[] { "$ref", "oneOf", "allOf", "not", "nullable" })
            if (node.ContainsKey(keyword)) problems.Add($"{path}: {keyword}");
        if (node["anyOf"] is not null && !(intOrString && node["type"] is null)) problems.Add($"{path}: anyOf outside int-or-string");
        if (node["properties"] is JsonObject properties)
            foreach (var (name, child) in properties) Structural((JsonObject)child!, $"{path}.{name}", problems, preserved);
        if (node["items"] is JsonObject items) Structural(items, path + "[]", problems, preserved);
        if (node["additionalProperties"] is JsonObject additional) Structural(additional, path + ".*", problems, preserved);
    }

    private static List<JsonObject> AllCrds() =>
        Directory.EnumerateFiles(RepoPaths.Crds, "*.yaml").Order(StringComparer.Ordinal).SelectMany(YamlJson.ParseFile).ToList();

    private static Dictionary<string, byte[]> Listing(string dir) =>
        Directory.EnumerateFiles(dir).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
}
