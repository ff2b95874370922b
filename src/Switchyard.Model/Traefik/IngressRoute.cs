using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>IngressRoute: the CRD form of Traefik HTTP routers.</summary>
public sealed record IngressRoute : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>IngressRoute.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Desired state: entry points, routes and TLS.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required IngressRouteSpec Spec { get; init; }

    /// <summary>Status written by Switchyard (conditions and compiled router names).</summary>
    [JsonPropertyName("status")]
    public IngressRouteStatus? Status { get; init; }
}

/// <summary>Desired state of an IngressRoute.</summary>
public sealed record IngressRouteSpec
{
    /// <summary>Name of the IngressClass this IngressRoute belongs to.</summary>
    [JsonPropertyName("ingressClassName")]
    public string? IngressClassName { get; init; }

    /// <summary>Entry point names to bind to. Empty means all default entry points.</summary>
    [JsonPropertyName("entryPoints")]
    public IReadOnlyList<string>? EntryPoints { get; init; }

    /// <summary>The routes (at least one).</summary>
    [JsonPropertyName("routes"), JsonRequired]
    public required IReadOnlyList<Route> Routes { get; init; }

    /// <summary>TLS configuration. Present (even empty) means the routers serve TLS only.</summary>
    [JsonPropertyName("tls")]
    public IngressRouteTls? Tls { get; init; }

    /// <summary>Parent IngressRoutes for multi-layer routing (Traefik v3.7).</summary>
    [JsonPropertyName("parentRefs")]
    public IReadOnlyList<IngressRouteRef>? ParentRefs { get; init; }
}

/// <summary>One HTTP route of an IngressRoute.</summary>
public sealed record Route
{
    /// <summary>The router rule, e.g. Host(`a.example`) &amp;&amp; PathPrefix(`/svc`).</summary>
    [JsonPropertyName("match"), JsonRequired]
    public required string Match { get; init; }

    /// <summary>Kind of route; only Rule is supported (default Rule).</summary>
    [JsonPropertyName("kind")]
    [AllowedValues("Rule")]
    public string? Kind { get; init; }

    /// <summary>Router priority; 0 or absent means the length of the rule. Higher wins.</summary>
    [JsonPropertyName("priority")]
    public long? Priority { get; init; }

    /// <summary>Rule syntax (v3 default; v2 deprecated).</summary>
    [JsonPropertyName("syntax")]
    public string? Syntax { get; init; }

    /// <summary>Kubernetes Services and/or TraefikServices to forward to.</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<LoadBalancerSpec>? Services { get; init; }

    /// <summary>References to Middleware resources, applied in order.</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }

    /// <summary>Per-router observability switches.</summary>
    [JsonPropertyName("observability")]
    public RouterObservability? Observability { get; init; }
}

/// <summary>Reference to a Middleware resource.</summary>
public sealed record MiddlewareRef
{
    /// <summary>Name of the Middleware.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the Middleware (default: the referencing object's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

/// <summary>Reference to a parent IngressRoute.</summary>
public sealed record IngressRouteRef
{
    /// <summary>Name of the parent IngressRoute.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the parent IngressRoute (default: same namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

/// <summary>Observability configuration of a router.</summary>
public sealed record RouterObservability
{
    /// <summary>Enables access logs for this router.</summary>
    [JsonPropertyName("accessLogs")]
    public bool? AccessLogs { get; init; }

    /// <summary>Enables metrics for this router.</summary>
    [JsonPropertyName("metrics")]
    public bool? Metrics { get; init; }

    /// <summary>Enables tracing for this router.</summary>
    [JsonPropertyName("tracing")]
    public bool? Tracing { get; init; }

    /// <summary>Tracing verbosity: minimal (default) or detailed.</summary>
    [JsonPropertyName("traceVerbosity")]
    [AllowedValues("minimal", "detailed")]
    public string? TraceVerbosity { get; init; }
}

/// <summary>TLS configuration of an IngressRoute.</summary>
public sealed record IngressRouteTls
{
    /// <summary>Secret (kubernetes.io/tls) holding the certificate and key.</summary>
    [JsonPropertyName("secretName")]
    public string? SecretName { get; init; }

    /// <summary>Reference to a TLSOption; absent means the default TLSOption.</summary>
    [JsonPropertyName("options")]
    public TlsOptionRef? Options { get; init; }

    /// <summary>Reference to a TLSStore; only the store named default is supported.</summary>
    [JsonPropertyName("store")]
    public TlsStoreRef? Store { get; init; }

    /// <summary>Name of the certificate resolver (ACME) from the static configuration.</summary>
    [JsonPropertyName("certResolver")]
    public string? CertResolver { get; init; }

    /// <summary>Domains to request certificates for.</summary>
    [JsonPropertyName("domains")]
    public IReadOnlyList<Domain>? Domains { get; init; }
}

/// <summary>Reference to a TLSOption.</summary>
public sealed record TlsOptionRef
{
    /// <summary>Name of the TLSOption.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the TLSOption (default: the referencing object's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

/// <summary>Reference to a TLSStore.</summary>
public sealed record TlsStoreRef
{
    /// <summary>Name of the TLSStore.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the TLSStore (default: the referencing object's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

/// <summary>A domain with its subject alternative names.</summary>
public sealed record Domain
{
    /// <summary>Main domain name.</summary>
    [JsonPropertyName("main")]
    public string? Main { get; init; }

    /// <summary>Subject alternative names.</summary>
    [JsonPropertyName("sans")]
    public IReadOnlyList<string>? Sans { get; init; }
}
