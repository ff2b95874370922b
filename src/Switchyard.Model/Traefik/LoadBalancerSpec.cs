using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>
/// A service entry (<c>routes[].services[]</c>, TraefikService children, error-page service): a reference to a
/// Kubernetes Service (a load balancer of servers) or a TraefikService (a load balancer of services).
/// Durations are <see cref="IntOrString"/> like Traefik: a number of seconds or a Go duration string ("10s").
/// </summary>
// Not sealed: Mirroring and MirrorService inherit these fields (Traefik embeds LoadBalancerSpec inline in both).
public record LoadBalancerSpec
{
    /// <summary>Name of the Kubernetes Service or TraefikService.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Service (default) or TraefikService.</summary>
    [JsonPropertyName("kind")]
    [AllowedValues("Service", "TraefikService")]
    public string? Kind { get; init; }

    /// <summary>Namespace of the referenced service (default: the referencing object's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Middlewares applied to this service only (Traefik v3.7).</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }

    /// <summary>Sticky sessions configuration.</summary>
    [JsonPropertyName("sticky")]
    public Sticky? Sticky { get; init; }

    /// <summary>Port of the Kubernetes Service: a number or a port name.</summary>
    [JsonPropertyName("port")]
    public IntOrString? Port { get; init; }

    /// <summary>http, https or h2c. Default https when the port is 443 or its name starts with https, else http.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>Load-balancing strategy: wrr (default), p2c, hrw, leasttime (RoundRobin deprecated).</summary>
    [JsonPropertyName("strategy")]
    [AllowedValues("wrr", "p2c", "hrw", "leasttime", "RoundRobin")]
    public string? Strategy { get; init; }

    /// <summary>Forward the client Host header to the backend (default true).</summary>
    [JsonPropertyName("passHostHeader")]
    public bool? PassHostHeader { get; init; }

    /// <summary>How responses are forwarded to the client.</summary>
    [JsonPropertyName("responseForwarding")]
    public ResponseForwarding? ResponseForwarding { get; init; }

    /// <summary>Name of the ServersTransport to use (Kubernetes Services only).</summary>
    [JsonPropertyName("serversTransport")]
    public string? ServersTransport { get; init; }

    /// <summary>Weight among sibling services (default 1).</summary>
    [JsonPropertyName("weight")]
    [Range(0, int.MaxValue)]
    public int? Weight { get; init; }

    /// <summary>Use the Service ClusterIP as the only server (true), instead of balancing over the EndpointSlice pod IPs (false, default).</summary>
    [JsonPropertyName("nativeLB")]
    public bool? NativeLB { get; init; }

    /// <summary>For NodePort Services, balance over node IPs and the node port.</summary>
    [JsonPropertyName("nodePortLB")]
    public bool? NodePortLB { get; init; }

    /// <summary>Active health check of the servers.</summary>
    [JsonPropertyName("healthCheck")]
    public ServerHealthCheck? HealthCheck { get; init; }

    /// <summary>Passive health check (failures observed on real calls).</summary>
    [JsonPropertyName("passiveHealthCheck")]
    public PassiveServerHealthCheck? PassiveHealthCheck { get; init; }

    /// <summary>
    /// These fields alone, as a plain <see cref="LoadBalancerSpec"/> (the record copy constructor drops what a
    /// derived spec such as <see cref="Mirroring"/> adds), so the compiler treats every service entry alike.
    /// </summary>
    public LoadBalancerSpec ToLoadBalancerSpec() => GetType() == typeof(LoadBalancerSpec) ? this : new LoadBalancerSpec(this);
}

/// <summary>Response forwarding options.</summary>
public sealed record ResponseForwarding
{
    /// <summary>Interval between flushes while copying the body (Go duration string, default 100ms; negative flushes every write). Streaming responses always flush immediately.</summary>
    [JsonPropertyName("flushInterval")]
    public string? FlushInterval { get; init; }
}

/// <summary>Sticky sessions configuration.</summary>
public sealed record Sticky
{
    /// <summary>Cookie-based stickiness.</summary>
    [JsonPropertyName("cookie")]
    public StickyCookie? Cookie { get; init; }
}

/// <summary>The sticky-session cookie.</summary>
public sealed record StickyCookie
{
    /// <summary>Cookie name (default: a hash of the service name).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Set the Secure attribute.</summary>
    [JsonPropertyName("secure")]
    public bool? Secure { get; init; }

    /// <summary>Set the HttpOnly attribute.</summary>
    [JsonPropertyName("httpOnly")]
    public bool? HttpOnly { get; init; }

    /// <summary>SameSite attribute: none, lax, strict.</summary>
    [JsonPropertyName("sameSite")]
    [AllowedValues("none", "lax", "strict", "None", "Lax", "Strict")]
    public string? SameSite { get; init; }

    /// <summary>Max-Age attribute in seconds (0: session cookie; negative: expire now).</summary>
    [JsonPropertyName("maxAge")]
    public int? MaxAge { get; init; }

    /// <summary>Path attribute (default /).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>Domain attribute.</summary>
    [JsonPropertyName("domain")]
    public string? Domain { get; init; }
}

/// <summary>Active health check configuration.</summary>
public sealed record ServerHealthCheck
{
    /// <summary>Replaces the server URL scheme for the health check.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>http (default) or grpc (grpc.health.v1 protocol).</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Path of the health check endpoint (http mode).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>HTTP method of the health check request (default GET).</summary>
    [JsonPropertyName("method")]
    public string? Method { get; init; }

    /// <summary>Expected HTTP status code (default: any 2xx/3xx).</summary>
    [JsonPropertyName("status")]
    public int? Status { get; init; }

    /// <summary>Port of the health check endpoint (default: the server port).</summary>
    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>Interval between checks of healthy servers (seconds or duration string, default 30s).</summary>
    [JsonPropertyName("interval")]
    public IntOrString? Interval { get; init; }

    /// <summary>Interval between checks of unhealthy servers (default: interval).</summary>
    [JsonPropertyName("unhealthyInterval")]
    public IntOrString? UnhealthyInterval { get; init; }

    /// <summary>Time allowed for one check (seconds or duration string, default 5s).</summary>
    [JsonPropertyName("timeout")]
    public IntOrString? Timeout { get; init; }

    /// <summary>Host header of the health check request.</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    /// <summary>Follow redirects during health checks (default true).</summary>
    [JsonPropertyName("followRedirects")]
    public bool? FollowRedirects { get; init; }

    /// <summary>Extra headers sent with the health check request.</summary>
    [JsonPropertyName("headers")]
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// Switchyard extension: the service name sent in grpc.health.v1 Check requests (mode grpc).
    /// Traefik always sends "" (whole-server health).
    /// </summary>
    [JsonPropertyName("grpcServiceName")]
    public string? GrpcServiceName { get; init; }
}

/// <summary>Passive health check configuration.</summary>
public sealed record PassiveServerHealthCheck
{
    /// <summary>Window in which failures are counted, and how long a server stays unhealthy (default 10s).</summary>
    [JsonPropertyName("failureWindow")]
    public IntOrString? FailureWindow { get; init; }

    /// <summary>Consecutive failures within the window before the server is unhealthy (default 1).</summary>
    [JsonPropertyName("maxFailedAttempts")]
    public int? MaxFailedAttempts { get; init; }
}
