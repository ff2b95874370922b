namespace Switchyard.Kubernetes;

/// <summary>Settings of the Kubernetes source (static config <c>providers.kubernetesCRD</c>).</summary>
public sealed record KubernetesSourceOptions
{
    /// <summary>Namespaces to watch; empty ⇒ all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Label selector applied to the Traefik custom resources only (like Traefik's labelSelector).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>
    /// Traefik's <c>ingressClass</c>: IngressRoutes (and TCP/UDP routes) are read when their class
    /// (<c>spec.ingressClassName</c>, else the <c>kubernetes.io/ingress.class</c> annotation) equals it; when unset
    /// or empty, routes without a class or with class <c>traefik</c>. Other kinds are never filtered by class.
    /// </summary>
    public string? IngressClass { get; init; }

    /// <summary>
    /// Also watch the legacy traefik.containo.us group (static config providers.kubernetesCRD.legacyGroup). The
    /// Helm chart turns it off unless its legacyCRDs are installed: without RBAC on that group, its lists are
    /// refused and the source would never sync.
    /// </summary>
    public bool LegacyGroup { get; init; } = true;

    /// <summary>Watch the Traefik CRDs (providers.kubernetesCRD.enabled); off when only the Gateway API provider is on.</summary>
    public bool TraefikCrds { get; init; } = true;

    /// <summary>The Gateway API provider (providers.kubernetesGateway); null ⇒ its kinds are not watched.</summary>
    public GatewayApiSourceOptions? GatewayApi { get; init; }

    /// <summary>providers.kubernetesIngress: watch Ingresses and IngressClasses and write their status; null ⇒ off.</summary>
    public IngressSourceOptions? Ingress { get; init; }

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

/// <summary>What the Gateway API provider watches: GatewayClasses (cluster-scoped) and, per namespace, Gateways, HTTPRoutes, GRPCRoutes, ReferenceGrants and BackendTLSPolicies.</summary>
public sealed record GatewayApiSourceOptions
{
    /// <summary>Namespaces to watch; empty ⇒ all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Label selector applied to the Gateway API objects.</summary>
    public string? LabelSelector { get; init; }

    /// <summary><c>statusAddress</c>: what <c>status.addresses</c> of our Gateways says; null ⇒ not written (left as it is).</summary>
    public GatewayStatusAddress? StatusAddress { get; init; }
}

/// <summary>
/// Traefik's StatusAddress (providers.kubernetesGateway.statusAddress): a fixed IP, else a fixed hostname, else the
/// Service (<see cref="ServiceNamespace"/>/<see cref="ServiceName"/>) whose <c>status.loadBalancer.ingress</c> is copied.
/// </summary>
public sealed record GatewayStatusAddress(string? Ip, string? Hostname, string? ServiceNamespace, string? ServiceName);
