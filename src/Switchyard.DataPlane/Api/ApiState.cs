using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model.Diagnostics;

namespace Switchyard.DataPlane.Api;

/// <summary>
/// What the API shows beyond the table being served: the static config's entry points and features, and the
/// last compile's diagnostics (handed over by whoever compiles: `switchyard run`).
/// </summary>
public sealed class ApiState(ApiOptions options, IReadOnlyList<EntryPointOptions> entryPoints, ApiFeatures features)
{
    private volatile StrongBox<ImmutableArray<Diagnostic>> _diagnostics = new([]);

    public ApiOptions Options { get; } = options;

    public IReadOnlyList<EntryPointOptions> EntryPoints { get; } = entryPoints;

    public ApiFeatures Features { get; } = features;

    public DateTimeOffset StartDate { get; } = DateTimeOffset.UtcNow;

    /// <summary>The diagnostics of the compile that produced the table being served.</summary>
    public ImmutableArray<Diagnostic> CompileDiagnostics => _diagnostics.Value;

    public void SetCompileDiagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = new(diagnostics);
}

/// <summary>Traefik's overview "features" and "providers" (pkg/api/handler_overview.go): what the static config turns on.</summary>
/// <param name="Metrics">"Prometheus" when metrics.prometheus is set, else "".</param>
/// <param name="Tracing">"OTLP" when tracing is set, else "".</param>
public sealed record ApiFeatures(string Metrics, string Tracing, bool AccessLog, ImmutableArray<string> Providers);
