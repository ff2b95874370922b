using Switchyard.Configuration;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>The static config the chart renders into its ConfigMap is read by `switchyard run`'s own (strict) loader.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class HelmStaticConfigTests
{
    private static readonly string?[] ValueSets = [null, "loadbalancer.yaml", "single-replica.yaml", "namespaced.yaml", "legacy-crds.yaml", "ingress.yaml"];

    [TestCaseSource(nameof(ValueSets))]
    [CancelAfter(60_000)]
    public async Task Rendered_static_config_loads_with_the_run_commands_loader(string? values, CancellationToken ct)
    {
        var rendered = await HelmChart.RenderAsync(values is null ? null : HelmChart.ValuesFile(values), ct);
        var yaml = (string)rendered.Single("ConfigMap")["data"]!["switchyard.yaml"]!;
        var dir = Directory.CreateTempSubdirectory("switchyard-chart-config-").FullName;
        try
        {
            var path = Path.Combine(dir, "switchyard.yaml");
            await File.WriteAllTextAsync(path, yaml, ct);
            var loaded = StaticConfigLoader.Load(path);

            Assert.That(loaded.EntryPoints.Select(e => e.Name), Is.EquivalentTo(new[] { "admin", "web", "websecure" }));
            Assert.That(loaded.ManifestDirectory, Is.Null, "in a cluster there is no manifest folder");
            Assert.That(loaded.Raw.Providers.KubernetesCRD?.Enabled, Is.True);
            var ports = loaded.EntryPoints.ToDictionary(e => e.Name, e => e.Endpoint.Port);
            Assert.That(ports["web"], Is.EqualTo(rendered.ContainerPort("web")));
            Assert.That(ports["websecure"], Is.EqualTo(rendered.ContainerPort("websecure")));
            Assert.That(ports["admin"], Is.EqualTo(rendered.ContainerPort("admin")));
            Assert.That(loaded.Metrics?.EntryPoint, Is.EqualTo("admin"), "metrics.prometheus is on by default and served on the admin port");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
