using k8s.Models;
using Switchyard.Model;

namespace Switchyard.Routing.Compiler.Ingresses;

/// <summary>
/// Which Ingresses the kubernetesIngress provider processes (Traefik's shouldProcessIngress and GetIngressClasses,
/// pkg/provider/kubernetes/ingress/kubernetes.go and client.go). Pure; the compiler and the status writer ask the same.
/// </summary>
public static class IngressClassFilter
{
    /// <summary>The controller name of Traefik's IngressClasses.</summary>
    public const string ControllerName = "traefik.io/ingress-controller";

    /// <summary>The legacy class annotation, read when <c>spec.ingressClassName</c> is unset.</summary>
    public const string ClassAnnotation = "kubernetes.io/ingress.class";

    /// <summary>The annotation that makes an IngressClass the cluster's default.</summary>
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>The class an unset provider ingressClass accepts in the annotation.</summary>
    public const string TraefikDefaultClass = "traefik";

    /// <summary>The processed Ingresses of <paramref name="snapshot"/>, in namespace/name order.</summary>
    public static IReadOnlyList<V1Ingress> Select(ClusterSnapshot snapshot, IngressProviderOptions options)
    {
        if (snapshot.Ingresses.IsEmpty)
        {
            return [];
        }

        // GetIngressClasses keeps the classes of Traefik's controller; a configured ingressClass narrows them to that name.
        var traefikClasses = snapshot.IngressClasses
            .Where(c => c.Spec?.Controller == ControllerName)
            .Where(c => options.IngressClass.Length == 0 || c.Metadata?.Name == options.IngressClass)
            .Select(c => c.Metadata?.Name ?? "")
            .ToHashSet(StringComparer.Ordinal);
        var defaultClass = DefaultClass(snapshot);
        return [.. snapshot.Ingresses
            .Where(i => ShouldProcess(i, traefikClasses, options.IngressClass, defaultClass))
            .OrderBy(i => i.Metadata?.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata?.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The IngressClass the API server's DefaultIngressClass admission gives a new Ingress that names none: the one
    /// class annotated is-default-class "true"; none when zero or several are (the admission then refuses to choose).
    /// A folder of manifests has no admission, so the compiler does what it would have done.
    /// </summary>
    public static string? DefaultClass(ClusterSnapshot snapshot)
    {
        var defaults = snapshot.IngressClasses
            .Where(c => c.Metadata?.Annotations is { } a && a.TryGetValue(DefaultClassAnnotation, out var v) && v == "true")
            .Select(c => c.Metadata!.Name)
            .ToList();
        return defaults.Count == 1 ? defaults[0] : null;
    }

    /// <summary>
    /// <c>spec.ingressClassName</c> (or the admission's default when neither it nor the annotation is set) must be one of
    /// Traefik's classes; otherwise the annotation must equal the provider's class, or be "traefik" or absent when the
    /// provider names none.
    /// </summary>
    public static bool ShouldProcess(V1Ingress ingress, IReadOnlySet<string> traefikClasses, string providerClass, string? defaultClass)
    {
        var annotations = ingress.Metadata?.Annotations;
        string? annotation = null;
        var hasAnnotation = annotations is not null && annotations.TryGetValue(ClassAnnotation, out annotation);
        var className = ingress.Spec?.IngressClassName ?? (hasAnnotation ? null : defaultClass);
        if (className is not null)
        {
            return traefikClasses.Contains(className);
        }

        annotation ??= "";
        return providerClass == annotation || (providerClass.Length == 0 && annotation == TraefikDefaultClass);
    }
}
