using System.Collections.Immutable;

namespace Switchyard.Routing;

/// <summary>
/// The provider settings that change how manifests are interpreted (Traefik's kubernetesCRD provider
/// options). Both sources (Kubernetes, manifest folder) pass the same record, so `validate` compiles exactly
/// what the cluster would get.
/// </summary>
public sealed record ProviderOptions
{
    /// <summary>Traefik's defaults: no cross-namespace refs, no ExternalName, empty services dropped.</summary>
    public static ProviderOptions Default { get; } = new();

    /// <summary>Allow references (services, middlewares, TLS options, transports) to other namespaces.</summary>
    public bool AllowCrossNamespace { get; init; }

    /// <summary>Allow Services of type ExternalName as backends.</summary>
    public bool AllowExternalNameServices { get; init; }

    /// <summary>Keep routes whose Service has no ready endpoint; they answer 503 instead of being dropped.</summary>
    public bool AllowEmptyServices { get; init; }

    /// <summary>Entry points of an IngressRoute whose spec.entryPoints is empty.</summary>
    public ImmutableArray<string> DefaultEntryPoints { get; init; } = ["web", "websecure"];

    /// <summary>
    /// Entry points the static configuration defines. When not empty, a route naming another one gets a
    /// warning (it would never receive traffic). Empty ⇒ not checked.
    /// </summary>
    public ImmutableArray<string> KnownEntryPoints { get; init; } = [];

    /// <summary>The UDP entry points (address ":port/udp"): where an IngressRouteUDP without entryPoints is served (Traefik).</summary>
    public ImmutableArray<string> UdpEntryPoints { get; init; } = [];

    /// <summary>
    /// Per entry point: the HTTP defaults of the static config (http.middlewares, http.tls, http.redirections).
    /// Empty ⇒ routers are compiled as written.
    /// </summary>
    public ImmutableSortedDictionary<string, EntryPointModel> EntryPointModels { get; init; } =
        ImmutableSortedDictionary<string, EntryPointModel>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Use the Service's ClusterIP as the only server unless a service entry says nativeLB: false.</summary>
    public bool NativeLBByDefault { get; init; }

    /// <summary>The kubernetesIngress provider's options (Ingress class, empty/ExternalName services, prefix matching).</summary>
    public IngressProviderOptions Ingress { get; init; } = IngressProviderOptions.Default;

    /// <summary>
    /// The routed entry points with their ports: a Gateway listener is served on the entry point whose address has
    /// its port (Traefik's entryPointName; an HTTP listener skips entry points with TLS). Defaults: the embedded
    /// static configuration's web (:8000) and websecure (:8443, TLS).
    /// </summary>
    public ImmutableArray<EntryPointPort> EntryPointPorts { get; init; } = [new("web", 8000, false), new("websecure", 8443, true)];

    /// <summary>GatewayClasses whose spec.controllerName is this are ours (providers.kubernetesGateway.controllerName).</summary>
    public string GatewayControllerName { get; init; } = Model.GatewayApi.GatewayApiKinds.DefaultControllerName;
}

/// <summary>An entry point's name, port and whether it terminates TLS.</summary>
public sealed record EntryPointPort(string Name, int Port, bool Tls);
