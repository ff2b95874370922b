using k8s;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Model;

/// <summary>Builds <see cref="ResourceRef"/>s for model objects.</summary>
public static class ResourceRefs
{
    /// <summary>The namespace used when a manifest omits metadata.namespace.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Kind/namespace/name of a Traefik object.</summary>
    public static ResourceRef Of(ITraefikObject obj) =>
        new(obj.Kind, obj.Metadata.NamespaceProperty ?? DefaultNamespace, obj.Metadata.Name ?? "");

    /// <summary>Kind/namespace/name of a core object; <paramref name="kind"/> is used when the object's Kind is unset.</summary>
    public static ResourceRef Of(IKubernetesObject<V1ObjectMeta> obj, string kind) =>
        new(string.IsNullOrEmpty(obj.Kind) ? kind : obj.Kind, obj.Metadata?.NamespaceProperty ?? DefaultNamespace, obj.Metadata?.Name ?? "");

    /// <summary>Kind/namespace/name of a Service.</summary>
    public static ResourceRef Of(V1Service obj) => Of(obj, V1Service.KubeKind);

    /// <summary>Kind/namespace/name of an EndpointSlice.</summary>
    public static ResourceRef Of(V1EndpointSlice obj) => Of(obj, V1EndpointSlice.KubeKind);

    /// <summary>Kind/namespace/name of a Secret.</summary>
    public static ResourceRef Of(V1Secret obj) => Of(obj, V1Secret.KubeKind);

    /// <summary>Kind/namespace/name of an Ingress (networking.k8s.io/v1).</summary>
    public static ResourceRef Of(V1Ingress obj) => Of(obj, V1Ingress.KubeKind);

    /// <summary>Kind/namespace/name of a ConfigMap.</summary>
    public static ResourceRef Of(V1ConfigMap obj) => Of(obj, V1ConfigMap.KubeKind);
}
