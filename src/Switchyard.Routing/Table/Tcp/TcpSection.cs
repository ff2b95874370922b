using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Tcp;

namespace Switchyard.Routing.Table;

/// <summary>
/// The TCP part of a <see cref="RoutingTable"/> (Traefik's <c>dynamic.TCPConfiguration</c>): routers in the order
/// they are tried, services, middlewares and transports by id. Swapped together with the HTTP part.
/// </summary>
/// <param name="Routers">Sorted by priority descending, then name ordinal.</param>
public sealed record TcpSection(
    ImmutableArray<TcpRouter> Routers,
    ImmutableSortedDictionary<string, TcpServiceConfig> Services,
    ImmutableSortedDictionary<string, TcpMiddlewareConfig> Middlewares,
    ImmutableSortedDictionary<string, TcpServersTransportConfig> ServersTransports)
{
    public static TcpSection Empty { get; } = new(
        [],
        ImmutableSortedDictionary<string, TcpServiceConfig>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, TcpMiddlewareConfig>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, TcpServersTransportConfig>.Empty.WithComparers(StringComparer.Ordinal));

    public bool Equals(TcpSection? other) =>
        other is not null && Routers.SequenceEqual(other.Routers) && Services.SequenceEqual(other.Services) &&
        Middlewares.SequenceEqual(other.Middlewares) && ServersTransports.SequenceEqual(other.ServersTransports);

    public override int GetHashCode() => HashCode.Combine(Routers.Length, Services.Count, Middlewares.Count);
}

/// <summary>One compiled route of an IngressRouteTCP.</summary>
/// <param name="Name">Traefik-style name: <c>namespace-name-&lt;10 hex of sha256(match)&gt;</c>.</param>
/// <param name="Priority">Explicit priority, else the rule's length (-1 for the lone HostSNI(`*`)).</param>
/// <param name="IsCatchAll">The rule is exactly HostSNI(`*`): tried after every specific TLS router (Traefik).</param>
/// <param name="Middlewares">MiddlewareTCP ids in the order they run.</param>
/// <param name="Tls">Null: the router matches non-TLS connections only.</param>
public sealed record TcpRouter(
    string Name,
    ImmutableArray<string> EntryPoints,
    string Rule,
    int Priority,
    bool IsCatchAll,
    ImmutableArray<string> Middlewares,
    string Service,
    TcpRouterTls? Tls,
    ResourceRef Source,
    int RouteIndex)
{
    /// <summary>The compiled rule. Not serialised; the rule text above is.</summary>
    [JsonIgnore]
    public required TcpRuleMatcher Matcher { get; init; }

    public bool Equals(TcpRouter? other) =>
        other is not null && Name == other.Name && EntryPoints.SequenceEqual(other.EntryPoints) && Rule == other.Rule &&
        Priority == other.Priority && IsCatchAll == other.IsCatchAll && Middlewares.SequenceEqual(other.Middlewares) &&
        Service == other.Service && Equals(Tls, other.Tls) && Source == other.Source && RouteIndex == other.RouteIndex;

    public override int GetHashCode() => HashCode.Combine(Name, Rule, Priority);
}

/// <summary>TLS of a TCP router: passthrough (route on SNI, forward the encrypted bytes) or termination.</summary>
/// <param name="Passthrough">True: the backend terminates TLS; the other fields are unused.</param>
/// <param name="Options">TLSOption id, null for the default options.</param>
/// <param name="Certificate">Certificate id from tls.secretName (added to the store like an HTTP router's).</param>
public sealed record TcpRouterTls(
    bool Passthrough,
    string? Options,
    string? CertResolver,
    ImmutableArray<TlsDomain> Domains,
    string? Certificate,
    string? Store)
{
    public bool Equals(TcpRouterTls? other) =>
        other is not null && Passthrough == other.Passthrough && Options == other.Options && CertResolver == other.CertResolver &&
        Domains.SequenceEqual(other.Domains) && Certificate == other.Certificate && Store == other.Store;

    public override int GetHashCode() => HashCode.Combine(Passthrough, Options, Certificate);
}

/// <summary>A TCP service node: a load balancer over servers, or a weighted set of other nodes.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TcpLoadBalancer), "loadBalancer")]
[JsonDerivedType(typeof(TcpWeighted), "weighted")]
public abstract record TcpServiceConfig;

/// <summary>Round robin over the servers of one Kubernetes Service port.</summary>
/// <param name="Servers">Host and port of each ready endpoint, sorted by <c>host:port</c>.</param>
/// <param name="ServersTransport">TcpServersTransportConfig id ("default" when none is named).</param>
/// <param name="Tls">Dial the servers with TLS (ServiceTCP.tls).</param>
public sealed record TcpLoadBalancer(ImmutableArray<ServerConfig> Servers, string ServersTransport, bool Tls) : TcpServiceConfig
{
    public bool Equals(TcpLoadBalancer? other) =>
        other is not null && Servers.SequenceEqual(other.Servers) && ServersTransport == other.ServersTransport && Tls == other.Tls;

    public override int GetHashCode() => HashCode.Combine(Servers.Length, ServersTransport, Tls);
}

/// <summary>Weighted round robin over child services (a route with several services).</summary>
public sealed record TcpWeighted(ImmutableArray<TcpWeightedChild> Children) : TcpServiceConfig
{
    public bool Equals(TcpWeighted? other) => other is not null && Children.SequenceEqual(other.Children);

    public override int GetHashCode() => Children.Length;
}

public sealed record TcpWeightedChild(string Service, int Weight);

/// <summary>A MiddlewareTCP.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TcpIpAllowListConfig), "ipAllowList")]
[JsonDerivedType(typeof(TcpInFlightConnConfig), "inFlightConn")]
public abstract record TcpMiddlewareConfig;

/// <summary>Closes connections whose client IP is in none of the ranges (parsed by the compiler, <see cref="IpRanges"/>).</summary>
public sealed record TcpIpAllowListConfig(ImmutableArray<System.Net.IPNetwork> SourceRange) : TcpMiddlewareConfig
{
    public bool Equals(TcpIpAllowListConfig? other) => other is not null && SourceRange.SequenceEqual(other.SourceRange);

    public override int GetHashCode() => SourceRange.Length;
}

/// <summary>At most <paramref name="Amount"/> simultaneous connections per client IP; more are closed.</summary>
public sealed record TcpInFlightConnConfig(long Amount) : TcpMiddlewareConfig;

/// <summary>A ServersTransportTCP (id "default" always exists: Traefik's default@internal).</summary>
/// <param name="DialTimeout">Zero: no timeout.</param>
/// <param name="DialKeepAlive">Negative: keep-alive probes off.</param>
/// <param name="TerminationDelay">After one side closed its writing half, wait this long for the other; negative: forever.</param>
/// <param name="ProxyProtocolVersion">PROXY protocol header version sent to servers (1 or 2), null: none.</param>
public sealed record TcpServersTransportConfig(
    TimeSpan DialTimeout,
    TimeSpan DialKeepAlive,
    TimeSpan TerminationDelay,
    int? ProxyProtocolVersion,
    TcpTlsClientConfig? Tls)
{
    public static TcpServersTransportConfig Default { get; } =
        new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100), null, null);
}

/// <summary>TLS towards TCP servers.</summary>
public sealed record TcpTlsClientConfig(
    string? ServerName,
    bool InsecureSkipVerify,
    ImmutableArray<PemCertificate> RootCAs,
    ImmutableArray<PemCertificate> Certificates)
{
    /// <summary>
    /// peerCertSANs (and the deprecated peerCertURI as a URI entry): the server certificate's chain is verified, even with
    /// insecureSkipVerify, and it must carry one of these. Null: no such check.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<PeerCertSanConfig>? PeerCertSans { get; init; }

    public bool Equals(TcpTlsClientConfig? other) =>
        other is not null && ServerName == other.ServerName && InsecureSkipVerify == other.InsecureSkipVerify &&
        RootCAs.SequenceEqual(other.RootCAs) && Certificates.SequenceEqual(other.Certificates) &&
        (PeerCertSans ?? []).SequenceEqual(other.PeerCertSans ?? []);

    public override int GetHashCode() => HashCode.Combine(ServerName, InsecureSkipVerify);
}

/// <summary>A subject alternative name a TCP server's certificate may carry to be accepted (Traefik's tls.SAN).</summary>
/// <param name="Uri">True: a URI SAN compared case-insensitively; false: a DNS name matched as a hostname (wildcards included).</param>
public sealed record PeerCertSanConfig(bool Uri, string Value);
