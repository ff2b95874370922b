using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;

namespace Switchyard.Model;

/// <summary>
/// An immutable set of Kubernetes objects: everything the compiler reads. Traefik kinds of both API groups are
/// merged (ApiVersion tells them apart). Namespaces are always set ("default" when a manifest omits it).
/// Build one with an object initializer or <c>ClusterSnapshot.Empty with { ... }</c>; unset arrays are empty.
/// </summary>
public sealed record ClusterSnapshot
{
    /// <summary>A snapshot with nothing in it.</summary>
    public static ClusterSnapshot Empty { get; } = new();

    /// <summary>IngressRoutes (traefik.io and traefik.containo.us).</summary>
    public ImmutableArray<IngressRoute> IngressRoutes { get; init; } = [];

    /// <summary>Middlewares.</summary>
    public ImmutableArray<Middleware> Middlewares { get; init; } = [];

    /// <summary>ServersTransports.</summary>
    public ImmutableArray<ServersTransport> ServersTransports { get; init; } = [];

    /// <summary>TLSOptions.</summary>
    public ImmutableArray<TlsOption> TlsOptions { get; init; } = [];

    /// <summary>TLSStores.</summary>
    public ImmutableArray<TlsStore> TlsStores { get; init; } = [];

    /// <summary>TraefikServices.</summary>
    public ImmutableArray<TraefikService> TraefikServices { get; init; } = [];

    /// <summary>IngressRouteTCPs.</summary>
    public ImmutableArray<IngressRouteTcp> IngressRouteTcps { get; init; } = [];

    /// <summary>IngressRouteUDPs.</summary>
    public ImmutableArray<IngressRouteUdp> IngressRouteUdps { get; init; } = [];

    /// <summary>MiddlewareTCPs.</summary>
    public ImmutableArray<MiddlewareTcp> MiddlewareTcps { get; init; } = [];

    /// <summary>ServersTransportTCPs.</summary>
    public ImmutableArray<ServersTransportTcp> ServersTransportTcps { get; init; } = [];

    /// <summary>Gateway API GatewayClasses (cluster-scoped; their namespace is ignored).</summary>
    public ImmutableArray<GatewayClass> GatewayClasses { get; init; } = [];

    /// <summary>Gateway API Gateways.</summary>
    public ImmutableArray<Gateway> Gateways { get; init; } = [];

    /// <summary>Gateway API HTTPRoutes.</summary>
    public ImmutableArray<HttpRoute> HttpRoutes { get; init; } = [];

    /// <summary>Gateway API GRPCRoutes.</summary>
    public ImmutableArray<GrpcRoute> GrpcRoutes { get; init; } = [];

    /// <summary>Gateway API ReferenceGrants.</summary>
    public ImmutableArray<ReferenceGrant> ReferenceGrants { get; init; } = [];

    /// <summary>Gateway API BackendTLSPolicies.</summary>
    public ImmutableArray<BackendTlsPolicy> BackendTlsPolicies { get; init; } = [];

    /// <summary>Core v1 Services.</summary>
    public ImmutableArray<V1Service> Services { get; init; } = [];

    /// <summary>discovery.k8s.io/v1 EndpointSlices.</summary>
    public ImmutableArray<V1EndpointSlice> EndpointSlices { get; init; } = [];

    /// <summary>Core v1 Secrets.</summary>
    public ImmutableArray<V1Secret> Secrets { get; init; } = [];

    /// <summary>Core v1 ConfigMaps.</summary>
    public ImmutableArray<V1ConfigMap> ConfigMaps { get; init; } = [];

    /// <summary>Core v1 Nodes (cluster-scoped): their InternalIP addresses serve nodePortLB services.</summary>
    public ImmutableArray<V1Node> Nodes { get; init; } = [];

    /// <summary>
    /// Core v1 Namespaces (cluster-scoped), read with the Gateway API provider: a listener's
    /// <c>allowedRoutes.namespaces.from: Selector</c> admits routes from the namespaces whose labels match.
    /// </summary>
    public ImmutableArray<V1Namespace> Namespaces { get; init; } = [];

    /// <summary>networking.k8s.io/v1 Ingresses (Traefik's kubernetesIngress provider).</summary>
    public ImmutableArray<V1Ingress> Ingresses { get; init; } = [];

    /// <summary>networking.k8s.io/v1 IngressClasses (cluster-scoped): which Ingresses the provider processes.</summary>
    public ImmutableArray<V1IngressClass> IngressClasses { get; init; } = [];

    /// <summary>What the source found while loading (syntax errors, unknown fields, wrong types, duplicates...).</summary>
    public ImmutableArray<Diagnostic> LoadDiagnostics { get; init; } = [];

    /// <summary>File positions of objects and their fields (empty for objects that did not come from files).</summary>
    public ImmutableDictionary<ResourceRef, ObjectOrigin> Origins { get; init; } = ImmutableDictionary<ResourceRef, ObjectOrigin>.Empty;

    /// <summary>Location of an object's field (nearest known parent, then the object), or null when not from a file.</summary>
    public SourceLocation? Locate(ResourceRef resource, string? fieldPath = null) =>
        Origins.TryGetValue(resource, out var origin) ? origin.Locate(fieldPath) : null;

    /// <summary>Number of objects of all kinds.</summary>
    public int ObjectCount =>
        IngressRoutes.Length + Middlewares.Length + ServersTransports.Length + TlsOptions.Length + TlsStores.Length +
        TraefikServices.Length + IngressRouteTcps.Length + IngressRouteUdps.Length + MiddlewareTcps.Length +
        ServersTransportTcps.Length + GatewayClasses.Length + Gateways.Length + HttpRoutes.Length + GrpcRoutes.Length +
        ReferenceGrants.Length + BackendTlsPolicies.Length + Services.Length + EndpointSlices.Length + Secrets.Length + ConfigMaps.Length + Nodes.Length + Namespaces.Length +
        Ingresses.Length + IngressClasses.Length;
}
