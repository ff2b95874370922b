namespace Switchyard.Model.Tests;

/// <summary>The repository's own manifests (config/manifests) must read cleanly: no unknown fields, no type errors.</summary>
[CancelAfter(20_000)]
public class SeedManifestTests
{
    [Test]
    public void Seed_manifests_load_without_loader_diagnostics()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Operator.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Operator.sln not found above the test binaries");
        }

        var snapshot = ManifestLoader.LoadFiles([Path.Combine(root, "config", "manifests")]);
        Assert.That(snapshot.LoadDiagnostics.Select(d => d.Format()), Is.Empty);
        Assert.That(snapshot.IngressRoutes, Is.Not.Empty);
    }
}
