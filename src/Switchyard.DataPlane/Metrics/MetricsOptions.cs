namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Static config <c>metrics.prometheus</c> and/or <c>metrics.otlp</c> (Traefik's options): metrics exist only when
/// one is given. Series are named like Traefik's (traefik_entrypoint_*, traefik_router_*, traefik_service_*) so
/// existing dashboards work.
/// </summary>
public sealed record MetricsOptions
{
    /// <summary>The admin entry point that serves GET /metrics; empty = no Prometheus endpoint (metrics.otlp alone).</summary>
    public required string EntryPoint { get; init; }

    /// <summary>metrics.otlp: the series pushed over OTLP as well; null = not pushed.</summary>
    public OtlpMetricsOptions? Otlp { get; init; }

    /// <summary>metrics.addInternals: count the routers of internal services (api@internal) too (Traefik's default: no).</summary>
    public bool AddInternals { get; init; }

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

/// <summary>metrics.otlp (Traefik's pkg/observability/types/metrics.go OTLP): where and how often the series are pushed.</summary>
public sealed record OtlpMetricsOptions
{
    public Tracing.OtlpProtocol Protocol { get; init; } = Tracing.OtlpProtocol.Http;

    /// <summary>Collector address (gRPC: http(s)://host:port; HTTP: the full metrics URL).</summary>
    public Uri Endpoint { get; init; } = new("https://localhost:4318/v1/metrics");

    public System.Collections.Immutable.ImmutableDictionary<string, string> Headers { get; init; } =
        System.Collections.Immutable.ImmutableDictionary<string, string>.Empty;

    /// <summary>otlp.grpc.tls / otlp.http.tls; null = the system's roots, no client certificate.</summary>
    public Tracing.OtlpClientTls? Tls { get; init; }

    /// <summary>
    /// explicitBoundaries: upper bounds (seconds, ascending) of the pushed traefik_*_request_duration_seconds
    /// histograms, independent of metrics.prometheus.buckets (Traefik's pkg/observability/types/metrics.go default).
    /// </summary>
    public IReadOnlyList<double> ExplicitBoundaries { get; init; } = DefaultExplicitBoundaries;

    public static IReadOnlyList<double> DefaultExplicitBoundaries { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>pushInterval (Traefik's default 10 s).</summary>
    public TimeSpan PushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>service.name resource attribute (Traefik's default "traefik"; ours "switchyard").</summary>
    public string ServiceName { get; init; } = "switchyard";

    public System.Collections.Immutable.ImmutableDictionary<string, string> ResourceAttributes { get; init; } =
        System.Collections.Immutable.ImmutableDictionary<string, string>.Empty;
}
