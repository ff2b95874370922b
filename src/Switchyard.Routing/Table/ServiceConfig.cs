using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>A node of a service tree. Leaves are load balancers over servers; inner nodes combine services.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(LoadBalancerService), "loadBalancer")]
[JsonDerivedType(typeof(WeightedService), "weighted")]
[JsonDerivedType(typeof(MirroringService), "mirroring")]
[JsonDerivedType(typeof(FailoverService), "failover")]
[JsonDerivedType(typeof(HighestRandomWeightService), "highestRandomWeight")]
[JsonDerivedType(typeof(ErrorService), "error")]
public abstract record ServiceConfig
{
    /// <summary>
    /// Middleware ids (chains flattened) that run on the calls this node gets, before its own work (Traefik v3.7
    /// <c>dynamic.Service.Middlewares</c>, from <c>services[].middlewares</c> of a Kubernetes Service entry): after the
    /// router's middlewares and the parents' picks, only for the calls sent to this node. Omitted from JSON when none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string> Middlewares { get; init; }
}

/// <summary>Balancing strategy over the servers of one Kubernetes Service.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BalancerStrategy>))]
public enum BalancerStrategy
{
    /// <summary>Weighted round robin (Traefik "wrr", the default).</summary>
    Wrr,
    /// <summary>Power of two choices on in-flight calls.</summary>
    P2c,
    /// <summary>Highest random weight (rendezvous hashing) on the client IP.</summary>
    Hrw,
    /// <summary>Least response time.</summary>
    LeastTime,
}

/// <summary>How a load balancer talks to its servers (Traefik's service scheme).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServerScheme>))]
public enum ServerScheme
{
    /// <summary>HTTP/1.1 over cleartext.</summary>
    [JsonStringEnumMemberName("http")]
    Http,
    /// <summary>TLS; HTTP/2 by ALPN with HTTP/1.1 fallback.</summary>
    [JsonStringEnumMemberName("https")]
    Https,
    /// <summary>HTTP/2 over cleartext with prior knowledge (gRPC without TLS).</summary>
    [JsonStringEnumMemberName("h2c")]
    H2c,
}

/// <summary>Servers of one Kubernetes Service port (from EndpointSlices, or the ClusterIP when nativeLB).</summary>
/// <param name="Servers">Sorted by host:port.</param>
/// <param name="Scheme">How every server is spoken to.</param>
/// <param name="ServersTransport">ServersTransport id ("default" when none is named).</param>
/// <param name="FlushInterval">responseForwarding.flushInterval; gRPC and streaming responses flush immediately anyway.</param>
public sealed record LoadBalancerService(
    ImmutableArray<ServerConfig> Servers,
    BalancerStrategy Strategy,
    ServerScheme Scheme,
    bool PassHostHeader,
    string ServersTransport,
    TimeSpan FlushInterval,
    StickyCookie? Sticky,
    HealthCheckConfig? HealthCheck,
    PassiveHealthCheckConfig? PassiveHealthCheck) : ServiceConfig;

/// <summary>One backend server: where to connect (the service's <see cref="LoadBalancerService.Scheme"/> says how).</summary>
/// <param name="Host">IP address (IPv6 without brackets) or DNS name (ExternalName Service).</param>
/// <param name="Port">TCP port.</param>
/// <param name="Weight">Relative weight (EndpointSlice servers: 1).</param>
/// <param name="Terminating">Endpoint is terminating: it gets no new calls (kept so sticky sessions can drain).</param>
public sealed record ServerConfig(string Host, int Port, int Weight = 1, bool Terminating = false)
{
    /// <summary><c>host:port</c>, an IPv6 address in brackets: what a URL or a TCP dial names.</summary>
    [JsonIgnore]
    public string Authority => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" +
        Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Weighted round robin across child services (IngressRoute with several services, or TraefikService.weighted).</summary>
public sealed record WeightedService(ImmutableArray<WeightedChild> Services, StickyCookie? Sticky) : ServiceConfig;

public sealed record WeightedChild(string Service, int Weight);

/// <summary>TraefikService.highestRandomWeight: rendezvous hashing of the client IP over weighted child services.</summary>
public sealed record HighestRandomWeightService(ImmutableArray<WeightedChild> Services) : ServiceConfig;

/// <summary>TraefikService.mirroring: the main service answers; mirrors get a copy of a percentage of requests.</summary>
public sealed record MirroringService(string Service, ImmutableArray<MirrorTarget> Mirrors, bool MirrorBody, long MaxBodySize) : ServiceConfig;

public sealed record MirrorTarget(string Service, int Percent);

/// <summary>TraefikService.failover: the fallback serves while the main service has no healthy server (or main answers one of <see cref="Errors"/>).</summary>
public sealed record FailoverService(string Service, string Fallback) : ServiceConfig
{
    /// <summary>failover.errors with at least one status; null: only health decides.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FailoverErrorsConfig? Errors { get; init; }
}

/// <summary>
/// failover.errors: main's answers with one of <paramref name="Status"/> (codes or inclusive ranges, "500-599") go to the
/// fallback; the request body is kept to send it again, up to <paramref name="MaxRequestBodyBytes"/> (-1: no limit;
/// larger bodies are answered 413).
/// </summary>
public sealed record FailoverErrorsConfig(ImmutableArray<string> Status, long MaxRequestBodyBytes);

/// <summary>An explicit error answer (e.g. 503 for a Service with no endpoints under allowEmptyServices).</summary>
public sealed record ErrorService(int StatusCode, string Reason) : ServiceConfig
{
    /// <summary>
    /// A weighted parent counts it as available, so it answers its share of the calls instead of being skipped (Traefik's
    /// WRRService with a status: a Gateway API backendRef that cannot be used gets 500 for its share, as the spec says).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Available { get; init; }
}

public sealed record StickyCookie(string Name, bool Secure, bool HttpOnly, string SameSite, int MaxAge, string Path, string? Domain);

/// <summary>Active health check (healthCheck on a service).</summary>
/// <param name="Mode">"http" or "grpc".</param>
/// <param name="GrpcService">Service name sent in grpc.health.v1 Check (Switchyard extension; Traefik always sends "").</param>
public sealed record HealthCheckConfig(
    string Mode,
    string? Scheme,
    string Path,
    string Method,
    int Status,
    int? Port,
    TimeSpan Interval,
    TimeSpan UnhealthyInterval,
    TimeSpan Timeout,
    string? Hostname,
    bool FollowRedirects,
    ImmutableSortedDictionary<string, string> Headers,
    string? GrpcService);

public sealed record PassiveHealthCheckConfig(TimeSpan FailureWindow, int MaxFailedAttempts);
