using Switchyard.Packaging.Tests.Crds;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>NOTES.txt (shown after `helm install`) tells how to apply a first IngressRoute, and that IngressRoute is valid.</summary>
[TestFixture]
public sealed class HelmNotesTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Notes_show_a_first_IngressRoute_that_the_CRD_schema_accepts(CancellationToken ct)
    {
        // `install --dry-run=client` renders NOTES.txt without a cluster.
        var result = await ProcessRunner.RunAsync(RepoPaths.Helm,
            ["install", HelmChart.Release, RepoPaths.Chart, "--namespace", HelmChart.Namespace, "--dry-run=client"], cancellationToken: ct);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var notes = result.StdOut[(result.StdOut.IndexOf("NOTES:", StringComparison.Ordinal) + 6)..];
        Assert.That(notes, Does.Contain($"rollout status deployment/{HelmChart.Release}-switchyard"));
        Assert.That(notes, Does.Contain("kubectl apply -f -").And.Contain("get ingressroutes"));

        var lines = notes.Split('\n');
        var start = Array.FindIndex(lines, l => l.Contains("<<'YAML'", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, start + 1, l => l.Trim() == "YAML");
        Assert.That(start >= 0 && end > start, Is.True, "NOTES.txt embeds the manifest between <<'YAML' and YAML");
        var yaml = string.Join('\n', lines[(start + 1)..end].Select(l => l.Length >= 5 ? l[5..] : l.TrimStart()));
        var route = YamlJson.ParseObjects(yaml).Single();
        Assert.That((string?)route["kind"], Is.EqualTo("IngressRoute"));
        Assert.That(CrdSchemas.Validate(route), Is.Empty);
    }
}
