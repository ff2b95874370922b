namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Static config <c>metrics.prometheus</c> (Traefik's options): metrics exist only when this is given. Series are
/// named like Traefik's (traefik_entrypoint_*, traefik_router_*, traefik_service_*) so existing dashboards work.
/// </summary>
public sealed record MetricsOptions
{
    /// <summary>The admin entry point that serves GET /metrics.</summary>
    public required string EntryPoint { get; init; }

    /// <summary>Upper bounds (seconds) of the request duration histograms, ascending (Traefik: 0.1, 0.3, 1.2, 5).</summary>
    public IReadOnlyList<double> Buckets { get; init; } = DefaultBuckets;

    /// <summary>traefik_entrypoint_* series.</summary>
    public bool AddEntryPointsLabels { get; init; } = true;

    /// <summary>traefik_router_* series (off by default in Traefik: one series set per router).</summary>
    public bool AddRoutersLabels { get; init; }

    /// <summary>traefik_service_* series.</summary>
    public bool AddServicesLabels { get; init; } = true;

    public static IReadOnlyList<double> DefaultBuckets { get; } = [0.1, 0.3, 1.2, 5.0];
}
