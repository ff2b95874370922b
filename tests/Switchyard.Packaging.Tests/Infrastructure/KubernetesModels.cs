using System.Text.Json;

namespace Switchyard.Packaging.Tests.Infrastructure;

/// <summary>One object checked by npm/validate-k8s.mjs.</summary>
internal sealed record ValidatedObject(string File, int Index, string? ApiVersion, string? Kind, string? Name, List<string> Errors);

internal sealed record ValidationReport(List<ValidatedObject> Objects, ProcessResult Process)
{
    public List<ValidatedObject> Failures => Objects.Where(o => o.Errors.Count > 0).ToList();

    public override string ToString() =>
        string.Join('\n', Failures.Select(f => $"{f.Kind}/{f.Name} ({Path.GetFileName(f.File)} #{f.Index}): {string.Join("; ", f.Errors)}"))
        + (Process.StdErr.Length > 0 ? "\n--- stderr\n" + Process.StdErr : "");
}

/// <summary>Validates manifests with the npm package kubernetes-models (Kubernetes' OpenAPI schemas) via node.</summary>
internal static class KubernetesModels
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static async Task<ValidationReport> ValidateAsync(IEnumerable<string> files, CancellationToken ct)
    {
        var tools = RepoPaths.KubernetesModels;
        var script = Path.Combine(RepoPaths.NpmScripts, "validate-k8s.mjs");
        var result = await ProcessRunner.RunAsync("node", [script, tools, .. files], timeout: TimeSpan.FromMinutes(2), cancellationToken: ct);
        var objects = result.StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<ValidatedObject>(line, Json)!)
            .ToList();
        Assert.That(result.ExitCode is 0 or 1, $"validate-k8s.mjs crashed:\n{result}");
        Assert.That(objects, Is.Not.Empty, $"validate-k8s.mjs checked nothing:\n{result}");
        return new ValidationReport(objects, result);
    }
}
