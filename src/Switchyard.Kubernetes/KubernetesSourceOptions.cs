namespace Switchyard.Kubernetes;

/// <summary>Settings of the Kubernetes source (static config <c>providers.kubernetesCRD</c>).</summary>
public sealed record KubernetesSourceOptions
{
    /// <summary>Namespaces to watch; empty ⇒ all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Label selector applied to the Traefik custom resources only (like Traefik's labelSelector).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>
    /// When set, only Traefik custom resources whose <c>kubernetes.io/ingress.class</c> annotation equals it are
    /// read; when unset, every object is read.
    /// </summary>
    public string? IngressClass { get; init; }

    /// <summary>Quiet period after the last change before a snapshot is emitted.</summary>
    public TimeSpan DebounceWindow { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Upper bound on how long a burst of changes can hold a snapshot back.</summary>
    public TimeSpan DebounceMaxDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Server-side watch timeout; a watch that ends is re-opened from the last resourceVersion.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First retry delay after an error; doubles up to <see cref="MaxBackoff"/>, with ±50% jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a kind whose CRD is absent is looked for again.</summary>
    public TimeSpan AbsentKindRecheck { get; init; } = TimeSpan.FromSeconds(30);
}
