using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Swap;

/// <summary>
/// A RoutingTable made ready to serve: per entry point a router index (TLS and cleartext routers apart), per
/// router one pre-composed RequestDelegate (middlewares → service), and the TLS selection. Immutable once built;
/// requests hold a reference (counted by its <see cref="SwapGeneration"/>) until they finish.
/// </summary>
public sealed class CompiledTable
{
    private readonly EntryPointRoutes[] _entryPoints;
    private readonly Lazy<string> _fingerprint;

    internal CompiledTable(RoutingTable table, SwapGeneration generation, EntryPointRoutes[] entryPoints,
        CompiledTls tls, ImmutableArray<Diagnostic> diagnostics, Lazy<string> fingerprint)
    {
        Table = table;
        Generation = generation;
        _entryPoints = entryPoints;
        Tls = tls;
        Diagnostics = diagnostics;
        _fingerprint = fingerprint;
    }

    public RoutingTable Table { get; }

    public SwapGeneration Generation { get; }

    /// <summary>Problems found while building (routers answering an error instead of their middlewares/service).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Certificates and TLSOptions for the TLS entry points.</summary>
    public CompiledTls Tls { get; }

    /// <summary>The service handlers by id (server health for metrics and the API; not used on the request path).</summary>
    public IReadOnlyDictionary<string, Services.IServiceHandler> Services { get; init; } = new Dictionary<string, Services.IServiceHandler>();

    /// <summary>
    /// Structural identity of the source table (a swap to an equal table is skipped). Computed when first asked: it
    /// serializes the whole table, and the start-up path (the empty table, then the first one) never compares.
    /// </summary>
    internal string Fingerprint => _fingerprint.Value;

    /// <summary>Find the handler for a request on an entry point (index in the static config's order).</summary>
    public RequestDelegate? Match(int entryPoint, IRequestFacts request, bool tls) => MatchRoute(entryPoint, request, tls)?.Handler;

    /// <summary>Like <see cref="Match"/>, with the router's pre-resolved metric series.</summary>
    internal CompiledRoute? MatchRoute(int entryPoint, IRequestFacts request, bool tls)
    {
        var routes = _entryPoints[entryPoint];
        return (tls ? routes.Tls : routes.Cleartext).Match(request);
    }
}

/// <summary>One router made ready: its composed delegate and its metric series (null when metrics are off).</summary>
internal sealed class CompiledRoute(Router router, RequestDelegate handler, Switchyard.DataPlane.Metrics.RouteMetrics? metrics)
{
    public Router Router { get; } = router;

    /// <summary>observability.accessLogs: false turns this router's lines off, as does an internal service without accessLog.addInternals.</summary>
    public bool AccessLogs { get; init; } = router.Observability?.AccessLogs != false;

    public RequestDelegate Handler { get; } = handler;

    /// <summary>Tracing is on and this router's calls are traced (observability.tracing, tracing.addInternals).</summary>
    public bool Traced { get; init; }

    public Switchyard.DataPlane.Metrics.RouteMetrics? Metrics { get; } = metrics;
}

/// <summary>The routers of one entry point.</summary>
internal sealed record EntryPointRoutes(RouterIndex<CompiledRoute> Cleartext, RouterIndex<CompiledRoute> Tls);
