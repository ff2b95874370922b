namespace Switchyard.Configuration;

/// <summary>
/// providers.kubernetesGateway (Traefik's Gateway API provider, pkg/provider/kubernetes/gateway/kubernetes.go Provider):
/// the Gateway API kinds are watched and compiled; status is written on them.
/// </summary>
public sealed class KubernetesGatewayProviderConfig
{
    /// <summary>Switchyard extension, like providers.kubernetesCRD.enabled: the section alone does not turn the provider on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Namespaces whose Gateways, HTTPRoutes, GRPCRoutes and ReferenceGrants are watched (empty = all).</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Label selector applied to the Gateway API objects.</summary>
    public string LabelSelector { get; set; } = "";

    /// <summary>Switchyard extension: GatewayClasses whose spec.controllerName is this are ours (Traefik's constant by default).</summary>
    public string ControllerName { get; set; } = Switchyard.Model.GatewayApi.GatewayApiKinds.DefaultControllerName;

    /// <summary>What the leader writes into our Gateways' status.addresses (Traefik's StatusAddress); null ⇒ not written.</summary>
    public GatewayStatusAddressConfig? StatusAddress { get; set; }
}

/// <summary>
/// providers.kubernetesGateway.statusAddress (Traefik's StatusAddress): an IP, else a hostname, else the Service whose
/// status.loadBalancer.ingress addresses are copied (Traefik's gatewayAddresses, in that order).
/// </summary>
public sealed class GatewayStatusAddressConfig
{
    public string Ip { get; set; } = "";

    public string Hostname { get; set; } = "";

    public GatewayStatusServiceConfig Service { get; set; } = new();
}

/// <summary>providers.kubernetesGateway.statusAddress.service: the published Service (both name and namespace are required, as in Traefik).</summary>
public sealed class GatewayStatusServiceConfig
{
    public string Name { get; set; } = "";

    public string Namespace { get; set; } = "";
}
