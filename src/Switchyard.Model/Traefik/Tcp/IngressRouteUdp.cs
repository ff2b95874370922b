using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>IngressRouteUDP: the CRD form of Traefik UDP routers (Traefik v3.7 ingressrouteudp.go).</summary>
public sealed record IngressRouteUdp : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>IngressRouteUDP.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Desired state: entry points and routes.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required IngressRouteUdpSpec Spec { get; init; }

    /// <summary>Status written by Switchyard (conditions and compiled router names).</summary>
    [JsonPropertyName("status")]
    public IngressRouteStatus? Status { get; init; }
}

/// <summary>Desired state of an IngressRouteUDP.</summary>
public sealed record IngressRouteUdpSpec
{
    /// <summary>Name of the IngressClass this IngressRouteUDP belongs to.</summary>
    [JsonPropertyName("ingressClassName")]
    public string? IngressClassName { get; init; }

    /// <summary>Entry point names to bind to. Empty means all default entry points.</summary>
    [JsonPropertyName("entryPoints")]
    public IReadOnlyList<string>? EntryPoints { get; init; }

    /// <summary>The routes (at least one).</summary>
    [JsonPropertyName("routes"), JsonRequired]
    public required IReadOnlyList<RouteUdp> Routes { get; init; }
}

/// <summary>One UDP route: UDP has no rule, an entry point's datagrams all go to its route's services.</summary>
public sealed record RouteUdp
{
    /// <summary>Kubernetes Services to forward datagrams to (weighted when several).</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<ServiceUdp>? Services { get; init; }
}

/// <summary>An upstream UDP service: a Kubernetes Service port.</summary>
public sealed record ServiceUdp
{
    /// <summary>Name of the Kubernetes Service.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the Kubernetes Service (default: the route's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Port of the Kubernetes Service: a number or a port name.</summary>
    [JsonPropertyName("port"), JsonRequired]
    public required IntOrString Port { get; init; }

    /// <summary>Weight when balancing between several services (default 1).</summary>
    [JsonPropertyName("weight")]
    [Range(0, int.MaxValue)]
    public int? Weight { get; init; }

    /// <summary>Balance over the Service's cluster IP instead of the pod IPs (false: pod IPs).</summary>
    [JsonPropertyName("nativeLB")]
    public bool? NativeLB { get; init; }

    /// <summary>For NodePort Services, balance over node IPs and the node port.</summary>
    [JsonPropertyName("nodePortLB")]
    public bool? NodePortLB { get; init; }
}
