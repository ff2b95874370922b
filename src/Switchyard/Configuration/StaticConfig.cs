namespace Switchyard.Configuration;

// The static configuration file (config/switchyard.yaml), in Traefik's vocabulary. These classes mirror the
// YAML one to one; StaticConfigLoader reads them strictly (an unknown key is an error with its line) and turns
// them into the data plane's EntryPointOptions and the compiler's ProviderOptions.

/// <summary>Root of switchyard.yaml.</summary>
public sealed class StaticConfig
{
    public LogConfig Log { get; set; } = new();

    /// <summary>Entry points by name (web, websecure, admin, ...).</summary>
    public Dictionary<string, EntryPointConfig> EntryPoints { get; set; } = [];

    public ProvidersConfig Providers { get; set; } = new();

    /// <summary>ACME certificate resolvers by name; routers name one in tls.certResolver.</summary>
    public Dictionary<string, CertificateResolverConfig> CertificatesResolvers { get; set; } = [];

    /// <summary>Metrics; off unless metrics.prometheus is present (as in Traefik).</summary>
    public MetricsConfig Metrics { get; set; } = new();

    /// <summary>Access logs; off unless accessLog is present (as in Traefik).</summary>
    public AccessLogConfig? AccessLog { get; set; }

    /// <summary>OpenTelemetry tracing; off unless tracing is present (as in Traefik).</summary>
    public TracingConfig? Tracing { get; set; }

    /// <summary>The REST API and dashboard; off unless api is present (as in Traefik).</summary>
    public ApiConfig? Api { get; set; }

    /// <summary>dataPlane: Switchyard's own forwarding choices (not a Traefik section; no Traefik key means anything here).</summary>
    public DataPlaneConfig DataPlane { get; set; } = new();
}

/// <summary>dataPlane: how Switchyard's data plane forwards (Switchyard keys; Traefik has no such choices).</summary>
public sealed class DataPlaneConfig
{
    /// <summary>
    /// h2c servers (scheme h2c: gRPC over cleartext HTTP/2) are called through Switchyard's own multiplexed HTTP/2
    /// client instead of YARP's (default true; false is the way back to YARP's; the environment variable
    /// SWITCHYARD_HTTP2_UPSTREAM overrides it).
    /// </summary>
    public bool Http2Upstream { get; set; } = Switchyard.DataPlane.Forwarding.Http2UpstreamSwitch.Default;
}

/// <summary>api: Traefik's keys (pkg/config/static/static_config.go API); served on the admin entry point when insecure.</summary>
public sealed class ApiConfig
{
    /// <summary>Serve /api and /dashboard/ on the admin entry point (Traefik: on its "traefik" entry point).</summary>
    public bool Insecure { get; set; }

    /// <summary>Serve the dashboard at /dashboard/ (Traefik's default: true).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Serve /debug/vars (runtime counters).</summary>
    public bool Debug { get; set; }

    /// <summary>The path the API and dashboard sit under (Traefik's default "/").</summary>
    public string BasePath { get; set; } = "/";

    /// <summary>Accepted for compatibility: Switchyard's dashboard has no advertisement.</summary>
    public bool DisableDashboardAd { get; set; }
}

public sealed class MetricsConfig
{
    public PrometheusConfig? Prometheus { get; set; }

    /// <summary>metrics.otlp: push the series over OTLP (Traefik's pkg/observability/types/metrics.go OTLP).</summary>
    public OtlpMetricsConfig? Otlp { get; set; }

    /// <summary>Count the routers of internal services (api@internal) too.</summary>
    public bool AddInternals { get; set; }
}

/// <summary>metrics.otlp: Traefik's keys (grpc or http, label switches, pushInterval, serviceName, resourceAttributes).</summary>
public sealed class OtlpMetricsConfig
{
    public OtlpGrpcConfig? Grpc { get; set; }

    public OtlpHttpConfig? Http { get; set; }

    public bool AddEntryPointsLabels { get; set; } = true;

    public bool AddRoutersLabels { get; set; }

    public bool AddServicesLabels { get; set; } = true;

    /// <summary>
    /// Upper bounds in seconds of the pushed request duration histograms; null = Traefik's default 0.005 … 10 (the
    /// boundaries OpenTelemetry's HTTP semantic conventions advise for http.server.request.duration).
    /// </summary>
    public List<double>? ExplicitBoundaries { get; set; }

    /// <summary>Period between pushes, a Go duration (Traefik's default 10s).</summary>
    public string PushInterval { get; set; } = "10s";

    /// <summary>service.name resource attribute (Traefik's default "traefik"; ours "switchyard").</summary>
    public string ServiceName { get; set; } = "switchyard";

    public Dictionary<string, string> ResourceAttributes { get; set; } = [];
}

/// <summary>metrics.prometheus: Traefik's options; GET /metrics on an admin entry point.</summary>
public sealed class PrometheusConfig
{
    /// <summary>The admin entry point serving /metrics (default: the admin entry point).</summary>
    public string? EntryPoint { get; set; }

    /// <summary>Request duration histogram upper bounds in seconds (Traefik default 0.1, 0.3, 1.2, 5.0).</summary>
    public List<double>? Buckets { get; set; }

    public bool AddEntryPointsLabels { get; set; } = true;

    public bool AddRoutersLabels { get; set; }

    public bool AddServicesLabels { get; set; } = true;
}

public sealed class LogConfig
{
    /// <summary>Trace, Debug, Information, Warning, Error (Traefik's DEBUG/INFO/WARN/ERROR also accepted).</summary>
    public string Level { get; set; } = "Information";
}

public sealed class EntryPointConfig
{
    /// <summary>"[host]:port", e.g. ":8000" (all interfaces) or "127.0.0.1:8000".</summary>
    public string Address { get; set; } = "";

    /// <summary>Present ⇒ the entry point terminates TLS (certificates and TLSOptions come from the manifests).</summary>
    public EntryPointTlsConfig? Tls { get; set; }

    /// <summary>Serve the gateway's own health endpoints (/healthz, /readyz, /ping, grpc.health.v1) instead of routes.</summary>
    public bool Admin { get; set; }

    public Http2Config Http2 { get; set; } = new();

    public EntryPointTransportConfig Transport { get; set; } = new();

    /// <summary>Whose X-Forwarded-* headers are kept (Traefik's forwardedHeaders); default: nobody's.</summary>
    public ForwardedHeadersConfig ForwardedHeaders { get; set; } = new();

    /// <summary>Read a PROXY protocol header on each connection (present, even empty, to enable; Traefik's keys).</summary>
    public ProxyProtocolConfig? ProxyProtocol { get; set; }

    /// <summary>UDP sessions of an entry point whose address ends in "/udp".</summary>
    public UdpConfig Udp { get; set; } = new();

    /// <summary>Routes without entryPoints attach here; when no entry point says asDefault, they attach to all (Traefik).</summary>
    public bool AsDefault { get; set; }

    /// <summary>HTTP defaults of the routers on this entry point: redirections, middlewares, tls (Traefik's keys).</summary>
    public EntryPointHttpConfig? Http { get; set; }

    /// <summary>Observability defaults of the routers on this entry point (what a router leaves unset it takes from here).</summary>
    public EntryPointObservabilityConfig? Observability { get; set; }
}

/// <summary>
/// entryPoints.NAME.observability: Traefik's ObservabilityConfig (pkg/config/static/entrypoints.go), whose
/// SetDefaults turns everything on once the section is present.
/// </summary>
public sealed class EntryPointObservabilityConfig
{
    public bool AccessLogs { get; set; } = true;

    public bool Metrics { get; set; } = true;

    public bool Tracing { get; set; } = true;

    /// <summary>minimal (default) or detailed.</summary>
    public string TraceVerbosity { get; set; } = "minimal";
}

/// <summary>entryPoints.NAME.proxyProtocol (Traefik's ProxyProtocol): whose header addresses are believed.</summary>
public sealed class ProxyProtocolConfig
{
    /// <summary>Believe every peer's header.</summary>
    public bool Insecure { get; set; }

    /// <summary>Peers (IPs or CIDRs) whose header is believed; other peers' headers are removed and ignored.</summary>
    public List<string> TrustedIPs { get; set; } = [];
}

/// <summary>entryPoints.NAME.udp (Traefik's UDPConfig).</summary>
public sealed class UdpConfig
{
    /// <summary>An idle session is closed after this long (Traefik's default 3s).</summary>
    public string Timeout { get; set; } = "3s";

    /// <summary>Switchyard's bound on sessions at once (Traefik has none); datagrams of new clients past it are dropped.</summary>
    public int MaxSessions { get; set; } = 10_000;
}

/// <summary>entryPoints.NAME.forwardedHeaders (Traefik's keys).</summary>
public sealed class ForwardedHeadersConfig
{
    /// <summary>Keep every peer's X-Forwarded-* headers.</summary>
    public bool Insecure { get; set; }

    /// <summary>Peers (IPs or CIDRs) whose X-Forwarded-* headers are kept and appended to.</summary>
    public List<string> TrustedIPs { get; set; } = [];

    /// <summary>Do not append the peer's address to X-Forwarded-For.</summary>
    public bool NotAppendXForwardedFor { get; set; }

    /// <summary>Also send X-Forwarded-Scheme and X-Scheme.</summary>
    public bool AddXForwardedSchemeHeaders { get; set; }
}

public sealed class EntryPointTlsConfig
{
}

public sealed class Http2Config
{
    /// <summary>SETTINGS_MAX_CONCURRENT_STREAMS per client connection (Traefik default 250).</summary>
    public int MaxConcurrentStreams { get; set; } = 250;

    public int InitialStreamWindowSize { get; set; } = 1024 * 1024;

    public int InitialConnectionWindowSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>Ping idle clients after this long ("0s" = never).</summary>
    public string KeepAlivePingDelay { get; set; } = "0s";

    public string KeepAlivePingTimeout { get; set; } = "20s";
}

public sealed class EntryPointTransportConfig
{
    public RespondingTimeoutsConfig RespondingTimeouts { get; set; } = new();

    public LifeCycleConfig LifeCycle { get; set; } = new();

    /// <summary>Close client connections older than this with GOAWAY so clients rebalance ("0s" = never).</summary>
    public string MaxConnectionAge { get; set; } = "0s";

    /// <summary>After GOAWAY, cut streams still open after this long ("0s" = let them finish).</summary>
    public string MaxConnectionAgeGrace { get; set; } = "0s";
}

public sealed class RespondingTimeoutsConfig
{
    /// <summary>Close connections without any open request or stream after this long.</summary>
    public string IdleTimeout { get; set; } = "180s";

    /// <summary>Time to receive request headers. Unlike Traefik's readTimeout it never cuts a body or a stream.</summary>
    public string ReadHeaderTimeout { get; set; } = "30s";
}

public sealed class LifeCycleConfig
{
    /// <summary>On shutdown, running calls get this long to finish.</summary>
    public string GraceTimeOut { get; set; } = "10s";
}

public sealed class ProvidersConfig
{
    public FileProviderConfig? File { get; set; }

    public KubernetesCrdProviderConfig? KubernetesCRD { get; set; }

    public KubernetesGatewayProviderConfig? KubernetesGateway { get; set; }

    public KubernetesIngressProviderConfig? KubernetesIngress { get; set; }
}

public sealed class FileProviderConfig
{
    /// <summary>Folder of Kubernetes manifests (relative to this file's folder; not Traefik's dynamic-config format).</summary>
    public string Directory { get; set; } = "";

    /// <summary>Reload the folder when a file changes (Traefik's default: true); false reads it once at start.</summary>
    public bool Watch { get; set; } = true;

    // Switchyard's bounds on the folder (not Traefik keys: Traefik's file provider has none). A folder past a bound
    // is read up to it, with an SY010 error naming the cap; the defaults are FolderLimits.Default.

    /// <summary>Most manifest files read from the folder (default 10000).</summary>
    public int? MaxFiles { get; set; }

    /// <summary>Most bytes read from the folder's files together (default 268435456, 256 MiB).</summary>
    public long? MaxTotalBytes { get; set; }

    /// <summary>Largest single manifest file in bytes (default 8388608, 8 MiB).</summary>
    public long? MaxFileBytes { get; set; }
}

public sealed class KubernetesCrdProviderConfig
{
    public bool Enabled { get; set; }

    /// <summary>Namespaces to watch (empty = all).</summary>
    public List<string> Namespaces { get; set; } = [];

    public string LabelSelector { get; set; } = "";

    public string IngressClass { get; set; } = "";

    public bool AllowCrossNamespace { get; set; }

    public bool AllowExternalNameServices { get; set; }

    public bool AllowEmptyServices { get; set; }

    public bool NativeLBByDefault { get; set; }

    /// <summary>Switchyard extension: also read the legacy traefik.containo.us group (default true; the chart sets it from legacyCRDs.enabled).</summary>
    public bool LegacyGroup { get; set; } = true;
}

/// <summary>certificatesResolvers.&lt;name&gt;: Traefik's shape (only acme).</summary>
public sealed class CertificateResolverConfig
{
    public AcmeConfig? Acme { get; set; }
}

/// <summary>certificatesResolvers.&lt;name&gt;.acme.</summary>
public sealed class AcmeConfig
{
    public string? Email { get; set; }

    /// <summary>ACME directory URL. Default: Let's Encrypt production (staging: https://acme-staging-v02.api.letsencrypt.org/directory).</summary>
    public string? CaServer { get; set; }

    /// <summary>Folder mode: a directory (relative to this file) for the account key and certificates.</summary>
    public string Storage { get; set; } = "acme";

    /// <summary>Certificate key type: EC256 (default), EC384, RSA2048, RSA4096.</summary>
    public string KeyType { get; set; } = "EC256";

    /// <summary>Account key type: EC256 (default), RSA2048, RSA4096.</summary>
    public string AccountKeyType { get; set; } = "EC256";

    /// <summary>Answer HTTP-01 on this entry point.</summary>
    public AcmeHttpChallengeConfig? HttpChallenge { get; set; }

    /// <summary>Answer TLS-ALPN-01 on the TLS entry points (present, even empty, to enable).</summary>
    public AcmeTlsChallengeConfig? TlsChallenge { get; set; }

    /// <summary>Renew when less than this is left (Switchyard extension; default 720h = 30 days).</summary>
    public string RenewBefore { get; set; } = "720h";

    /// <summary>How often certificates are checked for renewal (Switchyard extension; default 1h).</summary>
    public string CheckInterval { get; set; } = "1h";

    /// <summary>PEM files of CAs trusted for the ACME server's own HTTPS (e.g. a private ACME server).</summary>
    public List<string> CaCertificates { get; set; } = [];
}

/// <summary>certificatesResolvers.&lt;name&gt;.acme.tlsChallenge: no options of its own (Traefik's delay is not supported).</summary>
public sealed class AcmeTlsChallengeConfig
{
}

public sealed class AcmeHttpChallengeConfig
{
    public string EntryPoint { get; set; } = "web";
}
