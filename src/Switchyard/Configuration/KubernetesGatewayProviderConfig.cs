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
}
