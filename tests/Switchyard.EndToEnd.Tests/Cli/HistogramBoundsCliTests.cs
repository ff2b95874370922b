namespace Switchyard.EndToEnd.Tests.Cli;

/// <summary>
/// metrics.prometheus.buckets and metrics.otlp.explicitBoundaries that cannot bound a histogram: `switchyard validate`
/// and `switchyard run` refuse the config with the same message naming the key (what validate accepts, run serves).
/// </summary>
public class HistogramBoundsCliTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("switchyard-bounds-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("otlp:\n    explicitBoundaries: [0.5, 0.1]", "metrics.otlp.explicitBoundaries: must be positive seconds in ascending order (got 0.5, 0.1)")]
    [TestCase("otlp:\n    explicitBoundaries: [-0.1, 1]", "metrics.otlp.explicitBoundaries: must be positive seconds in ascending order (got -0.1, 1)")]
    [TestCase("prometheus:\n    buckets: [1, 1]", "metrics.prometheus.buckets: must be positive seconds in ascending order (got 1, 1)")]
    [CancelAfter(60_000)]
    public async Task ValidateAndRun_RefuseTheConfig_WithTheSameMessage(string metrics, string message, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "manifests"));
        var config = Path.Combine(_dir, "switchyard.yaml");
        await File.WriteAllTextAsync(config, $$"""
            entryPoints:
              web: {address: "127.0.0.1:0"}
              admin: {address: "127.0.0.1:0", admin: true}
            providers:
              file: {directory: manifests}
            metrics:
              {{metrics}}
            """, ct);

        var validate = await SwitchyardCli.RunAsync(ct, "validate", "--config", config);
        var run = await SwitchyardCli.RunAsync(ct, "run", "--config", config);

        Assert.Multiple(() =>
        {
            Assert.That(validate.ExitCode, Is.EqualTo(2), validate.ToString());
            Assert.That(validate.Stderr, Does.Contain(message), validate.ToString());
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr.Trim(), Is.EqualTo(validate.Stderr.Trim()), "the same message");
        });
    }
}
