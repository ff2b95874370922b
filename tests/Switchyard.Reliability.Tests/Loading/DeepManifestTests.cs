using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;

namespace Switchyard.Reliability.Tests.Loading;

/// <summary>
/// Issue 17.1: a 5 KB manifest nested 3,000 levels deep killed the process (an exception out of the schema
/// checker), 50,000 levels a stack overflow. Each is now one error on its file, and the file's neighbours load.
/// </summary>
[CancelAfter(60_000)]
public class DeepManifestTests
{
    private static void AssertRefused(string text, string file)
    {
        var loaded = ManifestLoader.ParseText(text, file);
        Assert.That(loaded.Objects, Is.Empty);
        Assert.That(loaded.Diagnostics.Select(d => d.Code), Does.Contain(DiagnosticCodes.ManifestTooLarge).Or.Contain(DiagnosticCodes.YamlSyntax),
            string.Join("\n", loaded.Diagnostics.Select(d => d.Format())));
        Assert.That(loaded.Diagnostics.Select(d => d.Code), Does.Not.Contain(DiagnosticCodes.LoaderFailure));
    }

    [TestCase(3_000)]
    [TestCase(50_000)]
    public void DeepFlowListIsOneErrorOnItsFile(int depth) => AssertRefused(HostileManifests.DeepFlowPlugin(depth), "deep.yaml");

    [TestCase(3_000)]
    [TestCase(50_000)]
    public void DeepBlockSequenceIsOneErrorOnItsFile(int depth) => AssertRefused(HostileManifests.DeepBlockSequence(depth), "deep.yaml");

    [TestCase(3_000)]
    [TestCase(50_000)]
    public void DeepFlowMappingIsOneErrorOnItsFile(int depth) => AssertRefused(HostileManifests.DeepFlowMapping(depth), "deep.yaml");

    [TestCase(3_000)]
    [TestCase(50_000)]
    public void DeepJsonIsOneErrorOnItsFile(int depth) => AssertRefused(HostileManifests.DeepJson(depth), "deep.json");

    [Test]
    public void NestingUnderTheBoundIsRead()
    {
        var loaded = ManifestLoader.ParseText(HostileManifests.DeepFlowPlugin(ManifestLimits.MaxDepth - 8), "plugin.yaml");
        Assert.That(loaded.Diagnostics.Where(d => d.Severity == Severity.Error), Is.Empty, string.Join("\n", loaded.Diagnostics.Select(d => d.Format())));
        Assert.That(loaded.Objects, Has.Length.EqualTo(1));
    }

    [Test]
    public void BillionLaughsStopsAtTheNodeBound()
    {
        var loaded = ManifestLoader.ParseText(HostileManifests.BillionLaughs(), "lol.yaml");
        Assert.That(loaded.Diagnostics.Select(d => d.Code), Does.Contain(DiagnosticCodes.ManifestTooLarge));
        Assert.That(loaded.Objects, Is.Empty);
    }

    [Test]
    public void AFewAliasesAreStillExpanded()
    {
        var loaded = ManifestLoader.ParseText(HostileManifests.BillionLaughs(levels: 2) + HostileManifests.ConfigMap("ok", "1").Replace("apiVersion", "---\napiVersion"), "few.yaml");
        Assert.That(loaded.Diagnostics.Where(d => d.Code == DiagnosticCodes.ManifestTooLarge), Is.Empty);
        Assert.That(loaded.Objects.Select(o => o.Ref.Name), Does.Contain("ok"));
    }

    [Test]
    public void AFileOverTheSizeBoundIsNotRead()
    {
        var dir = Directory.CreateTempSubdirectory("sy-big-").FullName;
        try
        {
            var path = Path.Combine(dir, "big.yaml");
            File.WriteAllText(path, HostileManifests.ConfigMap("big", new string('x', 4096)));
            var loaded = ManifestLoader.ParseFile(path, maxBytes: 1024);
            Assert.That(loaded.Diagnostics.Single().Code, Is.EqualTo(DiagnosticCodes.ManifestTooLarge));
            Assert.That(loaded.Diagnostics.Single().Message, Does.Contain("1,024"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void ADeepFileCostsOnlyItselfInAFolder()
    {
        var dir = Directory.CreateTempSubdirectory("sy-deep-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a-deep.yaml"), HostileManifests.DeepFlowPlugin(50_000));
            File.WriteAllText(Path.Combine(dir, "b-good.yaml"), HostileManifests.ConfigMap("good", "1"));
            var snapshot = ManifestLoader.LoadFiles([dir]);
            Assert.That(snapshot.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "good" }));
            Assert.That(snapshot.LoadDiagnostics.Select(d => d.Location?.File), Has.Some.EndsWith("a-deep.yaml"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
