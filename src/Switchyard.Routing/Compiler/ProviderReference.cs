namespace Switchyard.Routing.Compiler;

/// <summary>
/// Traefik's cross-provider reference form <c>name@provider</c> (pkg/provider/kubernetes/crd: resolveReference,
/// makeServersTransportKey, fullServiceName). For this provider, <c>&lt;namespace&gt;-&lt;name&gt;@kubernetescrd</c> is
/// the full id of an object in any namespace (its namespace field is ignored); <c>x@internal</c> names one of
/// Traefik's built-in services; other providers (file, docker, …) do not exist in Switchyard.
/// </summary>
internal static class ProviderReference
{
    public const string KubernetesCrd = "kubernetescrd";

    public const string Internal = "internal";

    /// <summary>The Gateway API provider: its transports (one per BackendTLSPolicy) are <c>&lt;namespace&gt;-&lt;name&gt;@kubernetesgateway</c>.</summary>
    public const string KubernetesGateway = "kubernetesgateway";

    /// <summary>True when <paramref name="name"/> carries a provider: <paramref name="id"/> is what precedes the last '@'.</summary>
    public static bool TrySplit(string name, out string id, out string provider)
    {
        var at = name.LastIndexOf('@');
        if (at < 0)
        {
            id = name;
            provider = "";
            return false;
        }

        id = name[..at];
        provider = name[(at + 1)..];
        return true;
    }

    /// <summary>The object among <paramref name="keys"/> whose id (<see cref="Naming.ObjectId"/>) is <paramref name="id"/>; null when none.</summary>
    public static ObjectKey? FindById(IEnumerable<ObjectKey> keys, string id)
    {
        foreach (var key in keys.Order(Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)))
        {
            if (Naming.ObjectId(key.Namespace, key.Name) == id)
            {
                return key;
            }
        }

        return null;
    }
}
