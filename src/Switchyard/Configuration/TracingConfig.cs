namespace Switchyard.Configuration;

/// <summary>
/// tracing: Traefik's keys (pkg/config/static/static_config.go Tracing, pkg/observability/types/otel.go). Present ⇒
/// spans are exported over OTLP; absent ⇒ tracing is off and costs nothing per call.
/// </summary>
public sealed class TracingConfig
{
    /// <summary>service.name resource attribute (Traefik's default "traefik"; ours "switchyard").</summary>
    public string ServiceName { get; set; } = "switchyard";

    public Dictionary<string, string> ResourceAttributes { get; set; } = [];

    /// <summary>Deprecated in Traefik in favour of resourceAttributes; merged into them.</summary>
    public Dictionary<string, string> GlobalAttributes { get; set; } = [];

    /// <summary>0.0–1.0 (Traefik's default 1.0).</summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Request headers recorded on the entry point and ReverseProxy spans (http.request.header.&lt;name&gt;).</summary>
    public List<string> CapturedRequestHeaders { get; set; } = [];

    /// <summary>Response headers recorded on the entry point and ReverseProxy spans (http.response.header.&lt;name&gt;).</summary>
    public List<string> CapturedResponseHeaders { get; set; } = [];

    /// <summary>Query parameters whose values appear in url.query / url.full; every other value is REDACTED.</summary>
    public List<string> SafeQueryParams { get; set; } = [];

    /// <summary>Trace the routers of internal services (api@internal) too.</summary>
    public bool AddInternals { get; set; }

    public TracingOtlpConfig? Otlp { get; set; }
}

/// <summary>tracing.otlp: grpc or http (Traefik's default when neither is given: http to https://localhost:4318).</summary>
public sealed class TracingOtlpConfig
{
    public OtlpGrpcConfig? Grpc { get; set; }

    public OtlpHttpConfig? Http { get; set; }
}

/// <summary>tracing.otlp.grpc.</summary>
public sealed class OtlpGrpcConfig
{
    /// <summary>host:port of the collector (Traefik's default localhost:4317).</summary>
    public string Endpoint { get; set; } = "localhost:4317";

    /// <summary>Plain-text gRPC (h2c) instead of TLS (as in Traefik, a tls block wins: TLS is then used).</summary>
    public bool Insecure { get; set; }

    public Dictionary<string, string> Headers { get; set; } = [];

    public OtlpTlsConfig? Tls { get; set; }
}

/// <summary>tracing.otlp.http.</summary>
public sealed class OtlpHttpConfig
{
    /// <summary>scheme://host:port/path of the collector (Traefik's default https://localhost:4318; /v1/traces is added when no path is given).</summary>
    public string Endpoint { get; set; } = "https://localhost:4318";

    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Used with an https endpoint (an http one is plain text, as in Traefik).</summary>
    public OtlpTlsConfig? Tls { get; set; }
}

/// <summary>
/// otlp.grpc.tls / otlp.http.tls: Traefik's ClientTLS (pkg/types/tls.go). ca, cert and key are each a PEM file's path
/// (relative to the config's folder) or the PEM text itself; cert and key go together.
/// </summary>
public sealed class OtlpTlsConfig
{
    public string? Ca { get; set; }

    public string? Cert { get; set; }

    public string? Key { get; set; }

    public bool InsecureSkipVerify { get; set; }
}
