using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>`helm lint --strict`, the values schema, and every rendered object against Kubernetes' OpenAPI models.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class HelmLintAndSchemaTests
{
    /// <summary>The default values plus four other value sets users install with.</summary>
    private static readonly string?[] ValueSets = [null, "loadbalancer.yaml", "single-replica.yaml", "namespaced.yaml", "legacy-crds.yaml"];

    [TestCaseSource(nameof(ValueSets))]
    [CancelAfter(60_000)]
    public async Task Helm_lint_strict_passes(string? values, CancellationToken ct)
    {
        var args = new List<string> { "lint", "--strict", RepoPaths.Chart };
        if (values is not null) args.AddRange(["--values", HelmChart.ValuesFile(values)]);
        var result = await ProcessRunner.RunAsync(RepoPaths.Helm, args, cancellationToken: ct);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.StdOut, Does.Contain("0 chart(s) failed"));
        Assert.That(result.StdOut, Does.Not.Contain("[WARNING]").And.Not.Contain("[ERROR]"));
    }

    [TestCaseSource(nameof(ValueSets))]
    [CancelAfter(120_000)]
    public async Task Every_rendered_object_validates_against_the_Kubernetes_OpenAPI_schema(string? values, CancellationToken ct)
    {
        // --include-crds: the CustomResourceDefinitions the chart installs are checked too.
        var yaml = await HelmChart.TemplateYamlAsync(values is null ? null : HelmChart.ValuesFile(values), ct, "--include-crds");
        var file = Path.Combine(Path.GetTempPath(), $"switchyard-helm-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml, ct);
        try
        {
            var report = await KubernetesModels.ValidateAsync([file], ct);
            Assert.That(report.Failures, Is.Empty, report.ToString());
            Assert.That(report.Objects.Select(o => o.Kind), Is.SupersetOf(new[] { "Deployment", "ConfigMap", "CustomResourceDefinition" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task The_validator_rejects_a_broken_object_so_the_check_above_can_fail(CancellationToken ct)
    {
        var report = await KubernetesModels.ValidateAsync([Path.Combine(RepoPaths.TestData, "invalid-k8s", "deployment-grpc-probe-named-port.yaml")], ct);
        Assert.That(report.Failures, Has.Count.EqualTo(1), report.ToString());
        Assert.That(report.Failures[0].Errors, Has.Some.Contains("livenessProbe/grpc/port"));
    }

    [TestCase("service-type.yaml", "/service/type")]
    [TestCase("replicas-string.yaml", "/replicaCount")]
    [TestCase("privileged.yaml", "/securityContext/")]
    [TestCase("port-range.yaml", "/ports/web/containerPort")]
    [TestCase("unknown-key.yaml", "replicas")]
    [CancelAfter(60_000)]
    public async Task An_invalid_value_is_refused_by_values_schema(string file, string field, CancellationToken ct)
    {
        var result = await HelmChart.TemplateAsync(Path.Combine(RepoPaths.TestData, "invalid-values", file), ct);
        Assert.That(result.ExitCode, Is.Not.Zero, $"helm accepted {file}:\n{result}");
        Assert.That(result.StdErr, Does.Contain("values don't meet the specifications of the schema").Or.Contain("schema"));
        Assert.That(result.StdErr, Does.Contain(field));
    }
}
