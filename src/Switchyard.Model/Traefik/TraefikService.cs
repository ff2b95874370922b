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

    /// <summary>Send to a main service, or to a fallback while the main one has no healthy server (or answers one of errors.status).</summary>
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
/// Mirroring configuration: the main service's fields inline (Traefik embeds its LoadBalancerSpec the same way),
/// plus the mirrors.
/// </summary>
public sealed record Mirroring : LoadBalancerSpec
{
    /// <summary>Mirror the request body too (default true).</summary>
    [JsonPropertyName("mirrorBody")]
    public bool? MirrorBody { get; init; }

    /// <summary>Bodies larger than this are not mirrored (default -1: unlimited).</summary>
    [JsonPropertyName("maxBodySize")]
    public long? MaxBodySize { get; init; }

    /// <summary>The mirrors.</summary>
    [JsonPropertyName("mirrors")]
    public IReadOnlyList<MirrorService>? Mirrors { get; init; }
}

/// <summary>One mirror: a service reference (inline) plus the share of traffic copied to it.</summary>
public sealed record MirrorService : LoadBalancerSpec
{
    /// <summary>Percentage (0-100) of the traffic copied to this mirror.</summary>
    [JsonPropertyName("percent")]
    public int? Percent { get; init; }
}

/// <summary>
/// Traefik's failover service (pkg/server/service/loadbalancer/failover), with Kubernetes service references for the
/// main service and the fallback.
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

    /// <summary>Answers of the main service that send the call to the fallback instead.</summary>
    [JsonPropertyName("errors")]
    public FailoverErrors? Errors { get; init; }
}

/// <summary>Traefik's failover errors: the main service's answer is replaced by the fallback's when its status is listed.</summary>
public sealed record FailoverErrors
{
    /// <summary>Status codes and inclusive ranges ("500-599", "404") that trigger the fallback.</summary>
    [JsonPropertyName("status")]
    public IReadOnlyList<string>? Status { get; init; }

    /// <summary>Largest request body kept to send again to the fallback (default -1: unlimited); larger bodies get 413.</summary>
    [JsonPropertyName("maxRequestBodyBytes")]
    public long? MaxRequestBodyBytes { get; init; }
}

/// <summary>Marker: present means this failover reports its health to its parents.</summary>
public sealed record FailoverHealthCheck;
