namespace Switchyard.Routing;

/// <summary>
/// Traefik's <c>providers.kubernetesIngress</c> options that change how Ingresses are translated
/// (pkg/provider/kubernetes/ingress/kubernetes.go, Provider). The Kubernetes source and the manifest folder pass
/// the same record, so `validate` compiles exactly what the cluster would get.
/// </summary>
public sealed record IngressProviderOptions
{
    /// <summary>Traefik's defaults.</summary>
    public static IngressProviderOptions Default { get; } = new();

    /// <summary>
    /// <c>ingressClass</c>: the IngressClass name (of controller <c>traefik.io/ingress-controller</c>) or the
    /// <c>kubernetes.io/ingress.class</c> annotation value to process. Empty: Ingresses without the annotation or with
    /// <c>traefik</c>, and those naming any IngressClass of Traefik's controller.
    /// </summary>
    public string IngressClass { get; init; } = "";

    /// <summary>Keep paths whose Service has no ready endpoint; they answer 503.</summary>
    public bool AllowEmptyServices { get; init; }

    /// <summary>Allow Services of type ExternalName as backends.</summary>
    public bool AllowExternalNameServices { get; init; }

    /// <summary>Use the Service's ClusterIP as the only server unless the Service says service.nativelb: "false".</summary>
    public bool NativeLBByDefault { get; init; }

    /// <summary>Prefix paths match whole path elements (<c>/foo</c> matches <c>/foo/bar</c>, not <c>/foobar</c>).</summary>
    public bool StrictPrefixMatching { get; init; }
}
