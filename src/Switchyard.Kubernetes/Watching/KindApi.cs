using System.Text.Json;
using k8s;
using k8s.Models;

namespace Switchyard.Kubernetes.Watching;

/// <summary>Identity and version of a watched object as read off the wire.</summary>
internal readonly record struct ObjectKey(string? Namespace, string? Name, string? ResourceVersion)
{
    public string Id => $"{Namespace}/{Name}";
}

/// <summary>
/// How to list and watch one kind in one namespace (null ⇒ all namespaces) with KubernetesClient. Custom
/// resources travel as <see cref="JsonElement"/> (the generic CustomObjects API), core kinds as their models.
/// An <paramref name="Optional"/> kind that the API refuses (403, 404: e.g. Nodes without the ClusterRole rule) is
/// read as empty and looked for again later, so it never holds back the first snapshot.
/// </summary>
internal sealed record KindApi<T>(
    string Name,
    bool IsCustom,
    Func<CancellationToken, Task<(IReadOnlyList<T> Items, string? ResourceVersion)>> List,
    Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch,
    Func<T, ObjectKey> Key,
    bool Optional = false);

/// <summary>The list/watch calls of the kinds the source reads.</summary>
internal static class KindApis
{
    public static KindApi<JsonElement> Custom(IKubernetes client, string group, string version, string plural, string kind, string? ns, string? labelSelector,
        bool optional = false)
    {
        async Task<(IReadOnlyList<JsonElement>, string?)> List(CancellationToken ct)
        {
            var raw = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync(group, version, plural, labelSelector: labelSelector, cancellationToken: ct)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync(group, version, ns, plural, labelSelector: labelSelector, cancellationToken: ct);
            var list = (JsonElement)raw;
            var items = list.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i.EnumerateArray().Select(e => e.Clone()).ToList() : [];
            var rv = list.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var r) ? r.GetString() : null;
            return (items, rv);
        }

        async IAsyncEnumerable<(WatchEventType, JsonElement)> Watch(string rv, int timeout, Action<Exception> onError, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var stream = ns is null
                ? client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(group, version, plural, allowWatchBookmarks: true,
                    labelSelector: labelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(group, version, ns, plural, allowWatchBookmarks: true,
                    labelSelector: labelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct);
            await foreach (var (type, obj) in stream)
            {
                yield return (type, (JsonElement)obj);
            }
        }

        return new($"{group}/{version} {kind}{Where(ns)}", true, List, Watch, JsonKey, optional);
    }

    public static KindApi<V1Service> Services(IKubernetes client, string? ns) => new(
        $"v1 Service{Where(ns)}",
        false,
        async ct => ns is null
            ? Items(await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct))
            : Items(await client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey);

    public static KindApi<V1EndpointSlice> EndpointSlices(IKubernetes client, string? ns) => new(
        $"discovery.k8s.io/v1 EndpointSlice{Where(ns)}",
        false,
        async ct => ns is null
            ? Items(await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: ct))
            : Items(await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, cancellationToken: ct)),
        (rv, timeout, onError, ct) => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey);

    public static KindApi<V1Secret> Secrets(IKubernetes client, string? ns) => new(
        $"v1 Secret{Where(ns)}",
        false,
        async ct => ns is null
            ? Items(await client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: ct))
            : Items(await client.CoreV1.ListNamespacedSecretAsync(ns, cancellationToken: ct)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey);

    public static KindApi<V1ConfigMap> ConfigMaps(IKubernetes client, string? ns) => new(
        $"v1 ConfigMap{Where(ns)}",
        false,
        async ct => ns is null
            ? Items(await client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct))
            : Items(await client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: ct)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey);

    /// <summary>Nodes (cluster-scoped), for nodePortLB; optional: without RBAC for nodes the source still runs.</summary>
    public static KindApi<V1Node> Nodes(IKubernetes client) => new(
        "v1 Node",
        false,
        async ct => Items(await client.CoreV1.ListNodeAsync(cancellationToken: ct)),
        (rv, timeout, onError, ct) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey,
        Optional: true);

    /// <summary>
    /// Namespaces (cluster-scoped), for the Gateway API provider's namespace selectors; optional: without RBAC for them
    /// the source still runs, and a selector then admits no namespace.
    /// </summary>
    public static KindApi<V1Namespace> Namespaces(IKubernetes client) => new(
        "v1 Namespace",
        false,
        async ct => Items(await client.CoreV1.ListNamespaceAsync(cancellationToken: ct)),
        (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey,
        Optional: true);

    /// <summary>networking.k8s.io/v1 Ingresses (the kubernetesIngress provider), with its label selector.</summary>
    public static KindApi<V1Ingress> Ingresses(IKubernetes client, string? ns, string? labelSelector) => new(
        $"networking.k8s.io/v1 Ingress{Where(ns)}",
        false,
        async ct => ns is null
            ? Items(await client.NetworkingV1.ListIngressForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct))
            : Items(await client.NetworkingV1.ListNamespacedIngressAsync(ns, labelSelector: labelSelector, cancellationToken: ct)),
        (rv, timeout, onError, ct) => ns is null
            ? client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.NetworkingV1.WatchListNamespacedIngressAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey);

    /// <summary>IngressClasses (cluster-scoped); optional: without RBAC for them, Ingresses naming a class are not processed.</summary>
    public static KindApi<V1IngressClass> IngressClasses(IKubernetes client) => new(
        "networking.k8s.io/v1 IngressClass",
        false,
        async ct => Items(await client.NetworkingV1.ListIngressClassAsync(cancellationToken: ct)),
        (rv, timeout, onError, ct) => client.NetworkingV1.WatchListIngressClassAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        MetaKey,
        Optional: true);

    private static string Where(string? ns) => ns is null ? " (all namespaces)" : $" in {ns}";

    private static (IReadOnlyList<T>, string?) Items<T>(IItems<T> list) where T : IKubernetesObject =>
        ([.. list.Items], ((IMetadata<V1ListMeta>)list).Metadata?.ResourceVersion);

    private static ObjectKey MetaKey<T>(T obj) where T : IMetadata<V1ObjectMeta> =>
        new(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name, obj.Metadata?.ResourceVersion);

    private static ObjectKey JsonKey(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty("metadata", out var m) || m.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new(Str(m, "namespace"), Str(m, "name"), Str(m, "resourceVersion"));
    }
}
