using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model;
using Switchyard.Routing;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// The second golden stage (issue 13.6): every golden case's table (tests/Switchyard.Routing.Tests/golden) is also
/// built by the data plane's real TableBuilder, and the builder finds nothing to refuse. What the compiler (and so
/// `switchyard validate`) accepts, `run` serves: a value the data plane cannot use must be a compiler diagnostic.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class GoldenTableBuildTests
{
    private static readonly JsonSerializerOptions OptionsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private DataPlaneHost _host = null!;
    private ILoggerFactory _loggerFactory = null!;

    private static string GoldenFolder([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "Switchyard.Routing.Tests", "golden"));

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetDirectories(GoldenFolder()).Select(Path.GetFileName).Where(n => !n!.StartsWith('_'))
            .Order(StringComparer.Ordinal).Select(n => new TestCaseData(n).SetName($"GoldenTableBuilds({n})"));

    [OneTimeSetUp]
    public void CreateHost()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        // Not started: building and publishing a table needs no socket.
        _host = DataPlaneHost.Create(
        [
            new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new EntryPointOptions { Name = "websecure", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Tls = true },
        ], _loggerFactory);
    }

    [OneTimeTearDown]
    public async Task DisposeHost()
    {
        await _host.DisposeAsync();
        _loggerFactory.Dispose();
    }

    [Test]
    public void ThereAreGoldenCases() => Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(40));

    [TestCaseSource(nameof(Cases))]
    public void TheDataPlaneBuildsTheGoldenTableWithoutDiagnostics(string name)
    {
        var folder = GoldenFolder();
        var files = Directory.GetFiles(Path.Combine(folder, "_base"), "*.yaml").Order(StringComparer.Ordinal)
            .Append(Path.Combine(folder, name, "input.yaml"));
        var optionsPath = Path.Combine(folder, name, "options.json");
        var options = File.Exists(optionsPath)
            ? JsonSerializer.Deserialize<ProviderOptions>(File.ReadAllText(optionsPath), OptionsJson) ?? ProviderOptions.Default
            : ProviderOptions.Default;
        var compiled = RoutingCompiler.Compile(ManifestLoader.LoadFiles(files), options);

        var swap = _host.Tables.Swap(compiled.Table);

        Assert.That(swap.Diagnostics.Select(d => d.Format()), Is.Empty,
            "the data plane refused part of a table the compiler accepted: make it a compiler diagnostic");
    }
}
