using Switchyard.Routing;

namespace Switchyard.Kubernetes;

/// <summary>
/// Settings of the Kubernetes source for Traefik's kubernetesIngress provider (static config
/// <c>providers.kubernetesIngress</c>): what to watch and what to publish in the Ingresses' status.
/// </summary>
public sealed record IngressSourceOptions
{
    /// <summary>Namespaces whose Ingresses are watched; empty ⇒ all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Label selector applied to Ingresses only.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>The provider options the compiler uses too (the status writer selects the same Ingresses).</summary>
    public IngressProviderOptions Provider { get; init; } = IngressProviderOptions.Default;

    /// <summary><c>ingressEndpoint</c>: what <c>status.loadBalancer.ingress</c> of processed Ingresses says; null ⇒ not written.</summary>
    public IngressEndpoint? Endpoint { get; init; }
}

/// <summary>Traefik's EndpointIngress: a fixed IP and/or hostname, or a Service (<c>namespace/name</c>) to copy the address of.</summary>
public sealed record IngressEndpoint(string? Ip, string? Hostname, string? PublishedService);
