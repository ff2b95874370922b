using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>
/// One golden case: <c>golden/&lt;case&gt;/input.yaml</c> loaded together with the shared fixtures in
/// <c>golden/_base/*.yaml</c>, compiled with the options of <c>golden/&lt;case&gt;/options.json</c> (optional,
/// ProviderOptions in camelCase), compared with <c>golden/&lt;case&gt;/expected.json</c>.
/// File names in diagnostics are relative to the golden folder, so expected files do not depend on the machine.
/// </summary>
internal static class GoldenCase
{
    private static readonly JsonSerializerOptions OptionsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static string Folder { get; } = FindFolder();

    public static IEnumerable<string> Names() =>
        Directory.GetDirectories(Folder).Select(Path.GetFileName).Where(n => !n!.StartsWith('_')).Order(StringComparer.Ordinal)!;

    public static string[] InputFiles(string name) =>
        [.. Directory.GetFiles(Path.Combine(Folder, "_base"), "*.yaml").Order(StringComparer.Ordinal), Path.Combine(Folder, name, "input.yaml")];

    public static ClusterSnapshot Load(string name) => ManifestLoader.LoadFiles(InputFiles(name));

    public static ProviderOptions Options(string name)
    {
        var path = Path.Combine(Folder, name, "options.json");
        return File.Exists(path)
            ? JsonSerializer.Deserialize<ProviderOptions>(File.ReadAllText(path), OptionsJson) ?? ProviderOptions.Default
            : ProviderOptions.Default;
    }

    /// <summary>Compiles and serializes, with file names made relative to the golden folder.</summary>
    public static string Render(CompileResult result) =>
        RoutingTableJson.Serialize(result with { Diagnostics = [.. result.Diagnostics.Select(Relative)] });

    private static Diagnostic Relative(Diagnostic d) =>
        d.Location is null ? d : d with { Location = d.Location with { File = Path.GetRelativePath(Folder, d.Location.File).Replace('\\', '/') } };

    private static string FindFolder([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "golden"));
}
