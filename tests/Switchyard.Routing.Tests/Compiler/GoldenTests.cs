using Switchyard.Model.Diagnostics;
using Switchyard.Routing;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>
/// Golden files: manifests in, compiled table + diagnostics out. `UPDATE_GOLDEN=1 dotnet test` rewrites
/// expected.json; the diff is the review. Inputs are read strictly: a load warning (unknown field, ...)
/// fails the case unless the case is about loading (its name starts with "load-").
/// </summary>
public class GoldenTests
{
    public static IEnumerable<TestCaseData> Cases() => GoldenCase.Names().Select(n => new TestCaseData(n).SetName($"Golden({n})"));

    [TestCaseSource(nameof(Cases))]
    [CancelAfter(30_000)]
    public void CompilesToExpectedJson(string name)
    {
        var snapshot = GoldenCase.Load(name);
        if (!name.StartsWith("load-", StringComparison.Ordinal))
        {
            Assert.That(snapshot.LoadDiagnostics.Select(d => d.Format()), Is.Empty,
                "golden inputs are read strictly: fix the input, or name the case load-*");
        }

        var actual = GoldenCase.Render(RoutingCompiler.Compile(snapshot, GoldenCase.Options(name)));
        var expectedPath = Path.Combine(GoldenCase.Folder, name, "expected.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            Assert.Pass("expected.json rewritten; review the diff");
        }

        Assert.That(File.Exists(expectedPath), Is.True, $"{expectedPath} is missing; run with UPDATE_GOLDEN=1 and review it");
        Assert.That(actual, Is.EqualTo(File.ReadAllText(expectedPath)), $"golden case {name} differs from expected.json");
    }

    [Test]
    public void ThereAreAtLeastFortyCases() => Assert.That(GoldenCase.Names().Count(), Is.GreaterThanOrEqualTo(40));

    [Test]
    public void EveryCaseHasInputAndExpected()
    {
        foreach (var name in GoldenCase.Names())
        {
            Assert.That(File.Exists(Path.Combine(GoldenCase.Folder, name, "input.yaml")), Is.True, name);
            Assert.That(File.Exists(Path.Combine(GoldenCase.Folder, name, "expected.json")), Is.True, name);
        }
    }
}
