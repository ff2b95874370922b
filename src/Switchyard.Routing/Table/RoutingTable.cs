using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Table;

/// <summary>
/// The only contract between control plane and data plane (the role of Traefik's dynamic.Configuration).
/// Immutable, deterministic (sorted collections, ids derived from namespace/name), serialisable for golden
/// tests. The data plane never sees a CRD: everything it needs (defaults applied, references resolved,
/// secrets read) is here.
/// </summary>
/// <param name="Routers">Sorted by priority descending, then name ordinal — the order Traefik tries them.</param>
/// <param name="Services">Service tree nodes by id (e.g. <c>default-whoami-80</c>).</param>
/// <param name="Middlewares">Middleware configs by id (e.g. <c>default-ratelimit</c>); chains are flattened into routers.</param>
/// <param name="ServersTransports">Transport configs by id; id "default" always exists.</param>
/// <param name="Tls">Certificates, stores and options.</param>
public sealed record RoutingTable(
    ImmutableArray<Router> Routers,
    ImmutableSortedDictionary<string, ServiceConfig> Services,
    ImmutableSortedDictionary<string, MiddlewareConfig> Middlewares,
    ImmutableSortedDictionary<string, ServersTransportConfig> ServersTransports,
    TlsConfig Tls)
{
    public static RoutingTable Empty { get; } = new(
        ImmutableArray<Router>.Empty,
        ImmutableSortedDictionary<string, ServiceConfig>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, MiddlewareConfig>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, ServersTransportConfig>.Empty.WithComparers(StringComparer.Ordinal),
        TlsConfig.Empty);

    /// <summary>TCP routers, services, middlewares and transports (IngressRouteTCP). Serialised as "tcp" when not empty.</summary>
    [JsonIgnore]
    public TcpSection Tcp { get; init; } = TcpSection.Empty;

    /// <summary>UDP routers and services (IngressRouteUDP). Serialised as "udp" when not empty.</summary>
    [JsonIgnore]
    public UdpSection Udp { get; init; } = UdpSection.Empty;

    // Golden files of tables without TCP/UDP stay as they were.
    [JsonPropertyName("tcp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TcpSection? TcpJson => Tcp.Routers.IsEmpty && Tcp.Middlewares.IsEmpty ? null : Tcp;

    [JsonPropertyName("udp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UdpSection? UdpJson => Udp.Routers.IsEmpty ? null : Udp;
}

/// <summary>The output of one compilation: the table plus every diagnostic, in stable order.</summary>
public sealed record CompileResult(RoutingTable Table, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>Gateway API status (empty when the snapshot has no Gateway API objects of ours).</summary>
    [JsonIgnore]
    public GatewayApiReport GatewayApi { get; init; } = GatewayApiReport.Empty;

    // Golden files without Gateway API objects stay as they were.
    [JsonPropertyName("gatewayApi"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GatewayApiReport? GatewayApiJson => GatewayApi.Classes.IsEmpty && GatewayApi.Gateways.IsEmpty && GatewayApi.Routes.IsEmpty ? null : GatewayApi;
}

/// <summary>One compiled route of an IngressRoute.</summary>
/// <param name="Name">Traefik-style name: <c>namespace-name-&lt;10 hex of sha256(match)&gt;</c>.</param>
/// <param name="EntryPoints">Resolved entry point names (defaults applied when the IngressRoute lists none).</param>
/// <param name="Rule">The rule text as written.</param>
/// <param name="Priority">Explicit priority, or the rule's length when 0.</param>
/// <param name="Middlewares">Middleware ids in the order they run (chains flattened).</param>
/// <param name="Service">Root service id.</param>
/// <param name="Tls">Non-null when the IngressRoute has <c>tls</c>: the router matches TLS connections only.</param>
/// <param name="Source">The IngressRoute it came from.</param>
/// <param name="RouteIndex">Index in spec.routes.</param>
public sealed record Router(
    string Name,
    ImmutableArray<string> EntryPoints,
    string Rule,
    int Priority,
    ImmutableArray<string> Middlewares,
    string Service,
    RouterTls? Tls,
    ResourceRef Source,
    int RouteIndex)
{
    /// <summary>
    /// Rule syntax of <see cref="Rule"/>: null or "v3" (default), or Traefik's deprecated "v2" (IngressRoute
    /// <c>routes[].syntax</c>), as the compiler read it. Omitted from JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RuleSyntax { get; init; }

    /// <summary>
    /// Set on a router compiled from a child route (IngressRoute <c>parentRefs</c>, Traefik v3.6+ multi-layer
    /// routing): <see cref="Rule"/> is then the parent's rule AND the child's, <see cref="Middlewares"/> the parent's
    /// then the child's, entry points and TLS the parent's. Omitted from JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouterParent? Parent { get; init; }

    /// <summary>The compiled rule. Not serialised; the rule text above is.</summary>
    [JsonIgnore]
    public required IRuleMatcher Matcher { get; init; }

    /// <summary>
    /// The rule as the compiler parsed it (in <see cref="RuleSyntax"/>): the tree <see cref="Matcher"/> was compiled
    /// from. The router index reads host and path conditions off it and ACME reads the Host() names, so nothing
    /// parses <see cref="Rule"/> again. Null only for a router built by hand with a matcher of its own: the index
    /// then leaves it to that matcher. Not serialised (the rule text is).
    /// </summary>
    [JsonIgnore]
    public RuleNode? Expression { get; init; }

    /// <summary>
    /// <c>routes[].observability</c>: per-router access log / metrics / tracing switches; null = on wherever the
    /// static config turns them on. Omitted from JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObservabilitySwitches? Observability { get; init; }
}

/// <summary>The parent router of a child route and the child's own priority among its siblings.</summary>
/// <param name="Router">The parent router's name (the router that answers 404 when no child matches).</param>
/// <param name="Source">The parent IngressRoute.</param>
/// <param name="ChildRule">The child's own rule as written.</param>
/// <param name="ChildPriority">The child's explicit priority, or its own rule's length.</param>
public sealed record RouterParent(string Router, ResourceRef Source, string ChildRule, long ChildPriority);

/// <summary>A router's observability switches (Traefik's RouterObservabilityConfig); null members = default (on).</summary>
public sealed record ObservabilitySwitches(bool? AccessLogs, bool? Metrics, bool? Tracing, string? TraceVerbosity);

/// <summary>TLS settings of a router.</summary>
/// <param name="Options">TLSOption id (e.g. <c>default-mtls</c>), null for the default options.</param>
/// <param name="CertResolver">ACME resolver name from static config.</param>
/// <param name="Domains">Explicit domains for the resolver; empty ⇒ derived from Host() matchers.</param>
/// <param name="Certificate">Certificate id (from tls.secretName), null when none is named.</param>
/// <param name="Store">TLSStore id, null for the default store.</param>
public sealed record RouterTls(
    string? Options,
    string? CertResolver,
    ImmutableArray<TlsDomain> Domains,
    string? Certificate,
    string? Store);

public sealed record TlsDomain(string Main, ImmutableArray<string> Sans);
