namespace Switchyard.Configuration;

/// <summary>
/// providers.kubernetesIngress: Traefik's Kubernetes Ingress provider (pkg/provider/kubernetes/ingress/kubernetes.go,
/// Provider). Present ⇒ on, as in Traefik (<c>kubernetesIngress: {}</c>); <c>enabled: false</c> turns it off. On, `switchyard
/// run` watches the cluster; the translation options also apply to Ingresses in a manifest folder (same compiler).
/// </summary>
public sealed class KubernetesIngressProviderConfig
{
    /// <summary>Switchyard extension: false turns the provider off while keeping its settings (the chart writes it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Namespaces to watch (empty = all).</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Label selector for Ingresses only (not Services, EndpointSlices or Secrets).</summary>
    public string LabelSelector { get; set; } = "";

    /// <summary>IngressClass name or kubernetes.io/ingress.class value to process (empty: none, or "traefik").</summary>
    public string IngressClass { get; set; } = "";

    /// <summary>What the leader writes into the processed Ingresses' status.loadBalancer.</summary>
    public IngressEndpointConfig? IngressEndpoint { get; set; }

    public bool AllowEmptyServices { get; set; }

    public bool AllowExternalNameServices { get; set; }

    public bool NativeLBByDefault { get; set; }

    /// <summary>Prefix paths match whole path elements, as the Ingress specification says.</summary>
    public bool StrictPrefixMatching { get; set; }
}

/// <summary>providers.kubernetesIngress.ingressEndpoint: an address, or a Service to copy it from.</summary>
public sealed class IngressEndpointConfig
{
    public string Ip { get; set; } = "";

    public string Hostname { get; set; } = "";

    /// <summary><c>namespace/name</c> of the Service whose address the Ingresses publish.</summary>
    public string PublishedService { get; set; } = "";
}
