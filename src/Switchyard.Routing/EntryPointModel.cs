using System.Collections.Immutable;
using Switchyard.Routing.Table;

namespace Switchyard.Routing;

/// <summary>
/// The HTTP settings an entry point gives every router on it (Traefik's <c>entryPoints.NAME.http</c>): its
/// internal provider turns them into a per-entry-point model and a catch-all redirect router
/// (pkg/provider/traefik/internal.go, entryPointModels and redirection), and the aggregator applies the model to
/// each root router of the entry point (pkg/server/aggregator.go, applyModel). The compiler does the same, so
/// `validate`, `explain` and `run` see the same routers.
/// </summary>
public sealed record EntryPointModel
{
    /// <summary>http.middlewares: references (<c>&lt;namespace&gt;-&lt;name&gt;[@kubernetescrd]</c>) run before each router's own.</summary>
    public ImmutableArray<string> Middlewares { get; init; } = [];

    /// <summary>http.tls: the TLS of routers on this entry point that have none of their own.</summary>
    public EntryPointTls? Tls { get; init; }

    /// <summary>http.redirections.entryPoint: a catch-all router redirecting every request of this entry point.</summary>
    public EntryPointRedirection? Redirection { get; init; }

    /// <summary>
    /// entryPoints.NAME.observability: what a router on this entry point leaves unset of its own observability
    /// (accessLogs, metrics, tracing, traceVerbosity) it takes from here; null = no section.
    /// </summary>
    public ObservabilitySwitches? Observability { get; init; }

    /// <summary>Traefik builds a model (and renames routers per entry point) only when there is something to apply.</summary>
    public bool HasRouterDefaults => !Middlewares.IsDefaultOrEmpty || Tls is not null || Observability is not null;
}

/// <summary>entryPoints.NAME.http.tls: Traefik's RouterTLSConfig defaults.</summary>
/// <param name="Options">TLSOption reference (<c>&lt;namespace&gt;-&lt;name&gt;[@kubernetescrd]</c>, <c>default</c>); null = default.</param>
/// <param name="CertResolver">certificatesResolvers name; null = none.</param>
/// <param name="Domains">Explicit domains for the resolver.</param>
public sealed record EntryPointTls(string? Options, string? CertResolver, ImmutableArray<TlsDomain> Domains);

/// <summary>entryPoints.NAME.http.redirections.entryPoint, with Traefik's defaults applied and the port resolved.</summary>
/// <param name="To">The target as written: an entry point name or ":port".</param>
/// <param name="Port">The port the Location names (the target entry point's port, or the written one).</param>
/// <param name="Scheme">Scheme of the Location (default https).</param>
/// <param name="Permanent">301/308 when true (default), 302/307 otherwise (Traefik's redirectScheme).</param>
/// <param name="Priority">Priority of the generated router (default math.MaxInt - 1).</param>
public sealed record EntryPointRedirection(string To, string Port, string Scheme, bool Permanent, long Priority);
