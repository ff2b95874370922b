using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Crds;

/// <summary>
/// Manifests in Traefik's documentation shape, the seed manifests and every example validate against the
/// generated CRD schemas; wrong ones are rejected with the field named.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ManifestSchemaTests
{
    public static IEnumerable<TestCaseData> ValidManifestFiles()
    {
        foreach (var (root, label) in new[]
                 {
                     (Path.Combine(RepoPaths.TestData, "traefik-docs"), "traefik-docs"),
                     (RepoPaths.Manifests, "config/manifests"),
                     (RepoPaths.Examples, "config/examples"),
                 })
        {
            if (!Directory.Exists(root)) continue;
            foreach (var file in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                yield return new TestCaseData(file).SetArgDisplayNames($"{label}/{Path.GetRelativePath(root, file)}");
        }
    }

    public static IEnumerable<TestCaseData> InvalidManifestFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.TestData, "invalid-crs"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f)));

    [TestCaseSource(nameof(ValidManifestFiles))]
    public void Traefik_objects_validate_against_the_generated_schemas(string file)
    {
        var objects = YamlJson.ParseFile(file).Where(CrdSchemas.Covers).ToList();
        foreach (var obj in objects)
        {
            var errors = CrdSchemas.Validate(obj);
            Assert.That(errors, Is.Empty, $"{obj["kind"]}/{obj["metadata"]?["name"]}:\n{string.Join('\n', errors)}");
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task The_same_files_validate_against_Traefiks_published_schemas_and_the_Kubernetes_OpenAPI_models(CancellationToken ct)
    {
        // Cross-check with independent schemas: @kubernetes-models/traefik (Traefik's own CRDs) for the
        // Traefik kinds, @kubernetes-models/gateway-api for the Gateway API kinds, kubernetes-models for Services,
        // EndpointSlices, Secrets, ConfigMaps and Ingresses.
        var files = ValidManifestFiles().Select(c => (string)c.Arguments[0]!).ToList();
        var report = await KubernetesModels.ValidateAsync(files, ct);
        Assert.That(report.Failures, Is.Empty, report.ToString());
        Assert.That(report.Objects, Has.Count.EqualTo(files.Sum(f => YamlJson.ParseFile(f).Count)), "every object was checked");
    }

    [Test]
    public void The_documentation_corpus_covers_every_kind_and_every_middleware_type()
    {
        var objects = Directory.EnumerateFiles(Path.Combine(RepoPaths.TestData, "traefik-docs"), "*.yaml").SelectMany(YamlJson.ParseFile).ToList();
        Assert.That(objects.Select(o => (string?)o["kind"]).Distinct(),
            Is.SupersetOf(new[] { "IngressRoute", "Middleware", "ServersTransport", "TLSOption", "TLSStore", "TraefikService" }));
        var middlewareTypes = objects.Where(o => (string?)o["kind"] == "Middleware")
            .SelectMany(o => o["spec"]!.AsObject().Select(p => p.Key)).ToHashSet();
        var modelTypes = CrdSchemaProperties("Middleware");
        Assert.That(middlewareTypes, Is.SupersetOf(modelTypes.Except(["tap"])), "a Middleware of each type (tap is Switchyard/Traefik v3.7 only)");
        Assert.That(objects.Any(o => (string?)o["kind"] == "IngressRoute"
                                     && o["spec"]!["routes"]!.AsArray().Any(r => r!["services"]?.AsArray().Any(s => (string?)s!["scheme"] == "h2c") == true)),
            Is.True, "an IngressRoute with an h2c service");
    }

    [TestCaseSource(nameof(InvalidManifestFiles))]
    public void A_wrong_manifest_is_rejected_with_the_field_named(string file)
    {
        // First line: "# expect: /json/pointer [word]" — an error at that location (whose message names the word).
        var expect = File.ReadLines(file).First();
        Assert.That(expect, Does.StartWith("# expect: "));
        var parts = expect["# expect: ".Length..].Split(' ', 2);
        var obj = YamlJson.ParseFile(file).Single();
        var errors = CrdSchemas.Validate(obj);
        Assert.That(errors, Is.Not.Empty, "accepted a wrong manifest");
        var atField = errors.Where(e => e.Location == parts[0]).ToList();
        Assert.That(atField, Is.Not.Empty, $"no error at {parts[0]}:\n{string.Join('\n', errors)}");
        if (parts.Length > 1) Assert.That(atField.Select(e => e.Message), Has.Some.Contains(parts[1]), string.Join('\n', errors));
    }

    private static HashSet<string> CrdSchemaProperties(string kind)
    {
        var crd = Directory.EnumerateFiles(RepoPaths.Crds, "traefik.io_*.yaml").SelectMany(YamlJson.ParseFile)
            .Single(c => (string?)c["spec"]!["names"]!["kind"] == kind);
        return crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!.AsObject()
            .Select(p => p.Key).ToHashSet();
    }
}
