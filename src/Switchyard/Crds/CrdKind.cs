using Switchyard.Model.Traefik;

namespace Switchyard.Crds;

/// <summary>
/// One custom resource kind we publish a CustomResourceDefinition for: its C# record, its names, and the
/// status condition `kubectl get` shows (IngressRoute: Ready; referenced resources: Accepted).
/// </summary>
public sealed record CrdKind(Type Record, string Kind, string Plural, string ConditionColumn)
{
    public string Singular => Kind.ToLowerInvariant();
    public string ListKind => Kind + "List";

    /// <summary>The kinds of Traefik's CRDs (HTTP, then TCP and UDP), in a stable order.</summary>
    public static IReadOnlyList<CrdKind> All { get; } =
    [
        new(typeof(IngressRoute), TraefikApi.IngressRouteKind, "ingressroutes", "Ready"),
        new(typeof(Middleware), TraefikApi.MiddlewareKind, "middlewares", "Accepted"),
        new(typeof(ServersTransport), TraefikApi.ServersTransportKind, "serverstransports", "Accepted"),
        new(typeof(TlsOption), TraefikApi.TlsOptionKind, "tlsoptions", "Accepted"),
        new(typeof(TlsStore), TraefikApi.TlsStoreKind, "tlsstores", "Accepted"),
        new(typeof(TraefikService), TraefikApi.TraefikServiceKind, "traefikservices", "Accepted"),
        new(typeof(IngressRouteTcp), TraefikApi.IngressRouteTcpKind, "ingressroutetcps", "Ready"),
        new(typeof(IngressRouteUdp), TraefikApi.IngressRouteUdpKind, "ingressrouteudps", "Ready"),
        new(typeof(MiddlewareTcp), TraefikApi.MiddlewareTcpKind, "middlewaretcps", "Accepted"),
        new(typeof(ServersTransportTcp), TraefikApi.ServersTransportTcpKind, "serverstransporttcps", "Accepted"),
    ];

    /// <summary>Both API groups serve the same shapes (traefik.io and the legacy traefik.containo.us).</summary>
    public static IReadOnlyList<string> Groups { get; } = [TraefikApi.Group, TraefikApi.LegacyGroup];
}
