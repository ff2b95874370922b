using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>TraefikService: a load balancer of services (weighted, mirroring, failover, hrw).</summary>
public sealed record TraefikService : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>TraefikService.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Exactly one of weighted, mirroring, failover, highestRandomWeight.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required TraefikServiceSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Desired state of a TraefikService.</summary>
public sealed record TraefikServiceSpec
{
    /// <summary>Weighted round robin over services.</summary>
    [JsonPropertyName("weighted")]
    public WeightedRoundRobin? Weighted { get; init; }

    /// <summary>Send to a main service and copy a share of the traffic to mirrors.</summary>
    [JsonPropertyName("mirroring")]
    public Mirroring? Mirroring { get; init; }

    /// <summary>Switchyard extension: send to a main service, or to a fallback while the main one has no healthy server.</summary>
    [JsonPropertyName("failover")]
    public Failover? Failover { get; init; }

    /// <summary>Highest random weight (rendezvous hashing by client IP) over services.</summary>
    [JsonPropertyName("highestRandomWeight")]
    public HighestRandomWeight? HighestRandomWeight { get; init; }
}

/// <summary>Weighted round robin configuration.</summary>
public sealed record WeightedRoundRobin
{
    /// <summary>Services with their weights.</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<LoadBalancerSpec>? Services { get; init; }

    /// <summary>Sticky sessions across the weighted services.</summary>
    [JsonPropertyName("sticky")]
    public Sticky? Sticky { get; init; }
}

/// <summary>Highest random weight configuration.</summary>
public sealed record HighestRandomWeight
{
    /// <summary>Services with their weights.</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<LoadBalancerSpec>? Services { get; init; }
}

/// <summary>
/// Mirroring configuration: the main service fields are inline (like Traefik's embedded LoadBalancerSpec).
/// </summary>
public sealed record Mirroring
{
    /// <summary>Name of the main Kubernetes Service or TraefikService.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Service (default) or TraefikService.</summary>
    [JsonPropertyName("kind")]
    [AllowedValues("Service", "TraefikService")]
    public string? Kind { get; init; }

    /// <summary>Namespace of the main service.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Middlewares of the main service.</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }

    /// <summary>Sticky sessions of the main service.</summary>
    [JsonPropertyName("sticky")]
    public Sticky? Sticky { get; init; }

    /// <summary>Port of the main Kubernetes Service (number or name).</summary>
    [JsonPropertyName("port")]
    public IntOrString? Port { get; init; }

    /// <summary>http, https or h2c.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>Load-balancing strategy of the main service.</summary>
    [JsonPropertyName("strategy")]
    [AllowedValues("wrr", "p2c", "hrw", "leasttime", "RoundRobin")]
    public string? Strategy { get; init; }

    /// <summary>Forward the client Host header (default true).</summary>
    [JsonPropertyName("passHostHeader")]
    public bool? PassHostHeader { get; init; }

    /// <summary>Response forwarding of the main service.</summary>
    [JsonPropertyName("responseForwarding")]
    public ResponseForwarding? ResponseForwarding { get; init; }

    /// <summary>ServersTransport of the main service.</summary>
    [JsonPropertyName("serversTransport")]
    public string? ServersTransport { get; init; }

    /// <summary>Weight of this mirroring service when it is itself weighted.</summary>
    [JsonPropertyName("weight")]
    [Range(0, int.MaxValue)]
    public int? Weight { get; init; }

    /// <summary>Use the Service ClusterIP as the only server instead of the pod IPs.</summary>
    [JsonPropertyName("nativeLB")]
    public bool? NativeLB { get; init; }

    /// <summary>Balance over node IPs and node port.</summary>
    [JsonPropertyName("nodePortLB")]
    public bool? NodePortLB { get; init; }

    /// <summary>Active health check of the main service.</summary>
    [JsonPropertyName("healthCheck")]
    public ServerHealthCheck? HealthCheck { get; init; }

    /// <summary>Passive health check of the main service.</summary>
    [JsonPropertyName("passiveHealthCheck")]
    public PassiveServerHealthCheck? PassiveHealthCheck { get; init; }

    /// <summary>Mirror the request body too (default true).</summary>
    [JsonPropertyName("mirrorBody")]
    public bool? MirrorBody { get; init; }

    /// <summary>Bodies larger than this are not mirrored (default -1: unlimited).</summary>
    [JsonPropertyName("maxBodySize")]
    public long? MaxBodySize { get; init; }

    /// <summary>The mirrors.</summary>
    [JsonPropertyName("mirrors")]
    public IReadOnlyList<MirrorService>? Mirrors { get; init; }

    /// <summary>The main service fields as a <see cref="LoadBalancerSpec"/>.</summary>
    public LoadBalancerSpec ToLoadBalancerSpec() => new()
    {
        Name = Name, Kind = Kind, Namespace = Namespace, Middlewares = Middlewares, Sticky = Sticky, Port = Port,
        Scheme = Scheme, Strategy = Strategy, PassHostHeader = PassHostHeader, ResponseForwarding = ResponseForwarding,
        ServersTransport = ServersTransport, Weight = Weight, NativeLB = NativeLB, NodePortLB = NodePortLB,
        HealthCheck = HealthCheck, PassiveHealthCheck = PassiveHealthCheck,
    };
}

/// <summary>One mirror: a service reference (inline) plus the share of traffic copied to it.</summary>
public sealed record MirrorService
{
    /// <summary>Name of the mirror Kubernetes Service or TraefikService.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Service (default) or TraefikService.</summary>
    [JsonPropertyName("kind")]
    [AllowedValues("Service", "TraefikService")]
    public string? Kind { get; init; }

    /// <summary>Namespace of the mirror.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Middlewares of the mirror.</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }

    /// <summary>Sticky sessions of the mirror.</summary>
    [JsonPropertyName("sticky")]
    public Sticky? Sticky { get; init; }

    /// <summary>Port of the mirror Kubernetes Service (number or name).</summary>
    [JsonPropertyName("port")]
    public IntOrString? Port { get; init; }

    /// <summary>http, https or h2c.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>Load-balancing strategy of the mirror.</summary>
    [JsonPropertyName("strategy")]
    [AllowedValues("wrr", "p2c", "hrw", "leasttime", "RoundRobin")]
    public string? Strategy { get; init; }

    /// <summary>Forward the client Host header (default true).</summary>
    [JsonPropertyName("passHostHeader")]
    public bool? PassHostHeader { get; init; }

    /// <summary>Response forwarding of the mirror.</summary>
    [JsonPropertyName("responseForwarding")]
    public ResponseForwarding? ResponseForwarding { get; init; }

    /// <summary>ServersTransport of the mirror.</summary>
    [JsonPropertyName("serversTransport")]
    public string? ServersTransport { get; init; }

    /// <summary>Weight (unused for mirrors; kept for shape compatibility).</summary>
    [JsonPropertyName("weight")]
    [Range(0, int.MaxValue)]
    public int? Weight { get; init; }

    /// <summary>Use the Service ClusterIP as the only server instead of the pod IPs.</summary>
    [JsonPropertyName("nativeLB")]
    public bool? NativeLB { get; init; }

    /// <summary>Balance over node IPs and node port.</summary>
    [JsonPropertyName("nodePortLB")]
    public bool? NodePortLB { get; init; }

    /// <summary>Active health check of the mirror.</summary>
    [JsonPropertyName("healthCheck")]
    public ServerHealthCheck? HealthCheck { get; init; }

    /// <summary>Passive health check of the mirror.</summary>
    [JsonPropertyName("passiveHealthCheck")]
    public PassiveServerHealthCheck? PassiveHealthCheck { get; init; }

    /// <summary>Percentage (0-100) of the traffic copied to this mirror.</summary>
    [JsonPropertyName("percent")]
    public int? Percent { get; init; }

    /// <summary>The mirror's service fields as a <see cref="LoadBalancerSpec"/>.</summary>
    public LoadBalancerSpec ToLoadBalancerSpec() => new()
    {
        Name = Name, Kind = Kind, Namespace = Namespace, Middlewares = Middlewares, Sticky = Sticky, Port = Port,
        Scheme = Scheme, Strategy = Strategy, PassHostHeader = PassHostHeader, ResponseForwarding = ResponseForwarding,
        ServersTransport = ServersTransport, Weight = Weight, NativeLB = NativeLB, NodePortLB = NodePortLB,
        HealthCheck = HealthCheck, PassiveHealthCheck = PassiveHealthCheck,
    };
}

/// <summary>
/// Switchyard extension: Traefik's TraefikService CRD has no failover (only its file provider does). Same meaning as
/// Traefik's failover service, with Kubernetes service references for the main service and the fallback.
/// </summary>
public sealed record Failover
{
    /// <summary>The main service.</summary>
    [JsonPropertyName("service"), JsonRequired]
    public required LoadBalancerSpec Service { get; init; }

    /// <summary>The service used while the main one has no healthy server.</summary>
    [JsonPropertyName("fallback"), JsonRequired]
    public required LoadBalancerSpec Fallback { get; init; }

    /// <summary>Enables health propagation to parent services (empty object, like Traefik's).</summary>
    [JsonPropertyName("healthCheck")]
    public FailoverHealthCheck? HealthCheck { get; init; }
}

/// <summary>Marker: present means this failover reports its health to its parents.</summary>
public sealed record FailoverHealthCheck;
