using System.Text.Json;
using k8s;
using k8s.Models;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;
using Switchyard.Model.Traefik;

namespace Switchyard.Kubernetes.Watching;

/// <summary>Wire objects → cache entries: model records, or a diagnostic when an object has the wrong shape.</summary>
internal static class ObjectConverters
{
    public const string IngressClassAnnotation = "kubernetes.io/ingress.class";

    /// <summary>The class Traefik assumes for its own routes when the provider names none.</summary>
    public const string TraefikDefaultIngressClass = "traefik";

    /// <summary>
    /// A Traefik custom resource; null when the ingress-class filter leaves it out. <paramref name="ingressClass"/>
    /// is the provider's class for the kinds Traefik filters (IngressRoute, IngressRouteTCP, IngressRouteUDP; ""
    /// when unset) and null for every other kind (Middlewares, TLSOptions, ... are never filtered by class).
    /// </summary>
    public static CacheEntry? Custom<TModel>(JsonElement obj, string kind, string? ingressClass)
        where TModel : class, ITraefikObject
    {
        var meta = obj.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var rv = Str(meta, "resourceVersion");
        if (ingressClass is not null && !ShouldProcess(ingressClass, RouteClass(obj, meta)))
        {
            return null;
        }

        var depth = Depth(obj);
        if (depth > ManifestLimits.MaxDepth)
        {
            var deep = new ResourceRef(kind, Str(meta, "namespace") ?? ResourceRefs.DefaultNamespace, Str(meta, "name") ?? "");
            return new CacheEntry(rv, null, new Diagnostic(Severity.Error, DiagnosticCodes.KubernetesObjectUnreadable, "ObjectTooDeep",
                deep, null, $"{deep} nests {depth} levels deep, more than the {ManifestLimits.MaxDepth} Switchyard reads; it is ignored"));
        }

        try
        {
            var model = KubernetesJson.Deserialize<TModel>(obj, ManifestLimits.DeepKubernetesJson);
            return new CacheEntry(rv, model, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            var resource = new ResourceRef(kind, Str(meta, "namespace") ?? ResourceRefs.DefaultNamespace, Str(meta, "name") ?? "");
            return new CacheEntry(rv, null, new Diagnostic(Severity.Error, DiagnosticCodes.KubernetesObjectUnreadable, "InvalidObject",
                resource, null, $"{resource} could not be read: {e.Message}"));
        }
    }

    /// <summary>A core object, as KubernetesClient decoded it.</summary>
    public static CacheEntry Core<T>(T obj) where T : IMetadata<V1ObjectMeta> => new(obj.Metadata?.ResourceVersion, obj, null);

    /// <summary>
    /// Traefik's shouldProcessIngress (pkg/provider/kubernetes/crd/kubernetes.go): the route's class equals the
    /// provider's, or the provider names none and the route says "traefik" (or none: "" equals "").
    /// </summary>
    public static bool ShouldProcess(string providerClass, string routeClass) =>
        routeClass == providerClass || (providerClass.Length == 0 && routeClass == TraefikDefaultIngressClass);

    /// <summary>Traefik's getIngressClassName: <c>spec.ingressClassName</c> when present (even ""), else the annotation.</summary>
    public static string RouteClass(JsonElement obj, JsonElement meta)
    {
        if (obj.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
            && spec.TryGetProperty("ingressClassName", out var name) && name.ValueKind == JsonValueKind.String)
        {
            return name.GetString() ?? "";
        }

        var annotations = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("annotations", out var a) ? a : default;
        return Str(annotations, IngressClassAnnotation) ?? "";
    }

    /// <summary>Nesting depth of a decoded object, measured without recursion (the object may be 10,000 levels deep).</summary>
    private static int Depth(JsonElement root)
    {
        var deepest = 0;
        var stack = new Stack<(JsonElement Element, int Depth)>();
        stack.Push((root, 1));
        while (stack.Count > 0)
        {
            var (element, depth) = stack.Pop();
            deepest = Math.Max(deepest, depth);
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    stack.Push((property.Value, depth + 1));
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    stack.Push((item, depth + 1));
                }
            }
        }

        return deepest;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
