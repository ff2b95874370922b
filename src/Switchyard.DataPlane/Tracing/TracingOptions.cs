using System.Collections.Immutable;

namespace Switchyard.DataPlane.Tracing;

/// <summary>How spans leave the process: OTLP over gRPC (Traefik's otlp.grpc) or HTTP/protobuf (otlp.http).</summary>
public enum OtlpProtocol
{
    Grpc,
    Http,
}

/// <summary>
/// Static config <c>tracing</c>, checked (Traefik's pkg/config/static/static_config.go Tracing and
/// pkg/observability/types/otel.go). Null in the host = tracing off: no ActivityListener, so no span is ever created.
/// </summary>
public sealed record TracingOptions
{
    /// <summary>service.name resource attribute (Traefik's default: "traefik"; ours: "switchyard").</summary>
    public string ServiceName { get; init; } = "switchyard";

    /// <summary>Share of new traces recorded, 0.0–1.0 (Traefik's default 1.0); a sampled parent is always followed.</summary>
    public double SampleRate { get; init; } = 1.0;

    public ImmutableDictionary<string, string> ResourceAttributes { get; init; } = ImmutableDictionary<string, string>.Empty;

    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.Grpc;

    /// <summary>Collector address as an absolute URI (gRPC: http(s)://host:port; HTTP: the full traces URL).</summary>
    public Uri Endpoint { get; init; } = new("http://localhost:4317");

    /// <summary>Headers sent with each export (otlp.grpc.headers / otlp.http.headers).</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>otlp.grpc.tls / otlp.http.tls; null = the system's roots, no client certificate.</summary>
    public OtlpClientTls? Tls { get; init; }

    /// <summary>capturedRequestHeaders: request headers recorded as <c>http.request.header.&lt;name&gt;</c> (lowercased).</summary>
    public ImmutableArray<string> CapturedRequestHeaders { get; init; } = [];

    /// <summary>capturedResponseHeaders: response headers recorded as <c>http.response.header.&lt;name&gt;</c>.</summary>
    public ImmutableArray<string> CapturedResponseHeaders { get; init; } = [];

    /// <summary>safeQueryParams: query parameters whose values are kept in url.query / url.full; every other value is REDACTED.</summary>
    public ImmutableArray<string> SafeQueryParams { get; init; } = [];

    /// <summary>addInternals: trace the routers of internal services (api@internal) too (Traefik's default: no).</summary>
    public bool AddInternals { get; init; }

    /// <summary>Batch export delay (not a Traefik key: the SDK's OTEL_BSP_SCHEDULE_DELAY default is 5 s; tests lower it).</summary>
    public TimeSpan ExportDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Spans the batch processor holds before it drops new ones (not a Traefik key: null = the SDK's
    /// OTEL_BSP_MAX_QUEUE_SIZE, default 2048, the Go SDK's default too); tests lower it.
    /// </summary>
    public int? MaxQueueSize { get; init; }
}
