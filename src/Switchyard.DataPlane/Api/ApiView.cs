using Switchyard.DataPlane.Services;
using Switchyard.DataPlane.Swap;
using Switchyard.Model.Diagnostics;

namespace Switchyard.DataPlane.Api;

/// <summary>The served table with its server health and diagnostics, taken once per API request.</summary>
internal sealed class ApiView(CompiledTable table, ApiState state, TimeProvider time)
{
    public CompiledTable Table { get; } = table;

    public ApiState State { get; } = state;

    public List<ServerHealthView> Servers { get; } = [.. ServerHealthView.Of(table, time)];

    /// <summary>The compile's diagnostics (handed over by `switchyard run`) and the data plane's own.</summary>
    public IReadOnlyList<Diagnostic> All { get; } = [.. state.CompileDiagnostics.Concat(table.Diagnostics).Distinct()];

    public IReadOnlyList<Diagnostic> DiagnosticsOf(ResourceRef source) => [.. All.Where(d => d.Resource == source)];

    /// <summary>The diagnostics of the Middleware / TraefikService whose table id (<c>namespace-name</c>) is <paramref name="id"/>.</summary>
    public IEnumerable<Diagnostic> DiagnosticsOfObject(string kind, string id) =>
        All.Where(d => d.Resource is { } r && r.Kind == kind && id.Length == r.Namespace.Length + 1 + r.Name.Length
            && id.StartsWith(r.Namespace, StringComparison.Ordinal) && id[r.Namespace.Length] == '-' && id.EndsWith(r.Name, StringComparison.Ordinal));

    /// <summary>IngressRoutes with errors and no router in the table (Traefik lists such routers as disabled).</summary>
    public IEnumerable<(ResourceRef Source, IReadOnlyList<Diagnostic> Diagnostics)> BrokenRoutes()
    {
        var served = Table.Table.Routers.Select(r => r.Source).ToHashSet();
        return All.Where(d => d.Severity == Severity.Error && d.Resource is { Kind: "IngressRoute" } r && !served.Contains(r))
            .GroupBy(d => d.Resource!)
            .Select(g => (g.Key, (IReadOnlyList<Diagnostic>)[.. All.Where(d => d.Resource == g.Key)]));
    }
}
