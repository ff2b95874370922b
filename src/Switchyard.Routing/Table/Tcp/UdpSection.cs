using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Routing.Table;

/// <summary>The UDP part of a <see cref="RoutingTable"/>: UDP has no rules, one router per entry point takes its datagrams.</summary>
/// <param name="Routers">Sorted by name.</param>
public sealed record UdpSection(ImmutableArray<UdpRouter> Routers, ImmutableSortedDictionary<string, TcpServiceConfig> Services)
{
    public static UdpSection Empty { get; } = new([], ImmutableSortedDictionary<string, TcpServiceConfig>.Empty.WithComparers(StringComparer.Ordinal));

    public bool Equals(UdpSection? other) =>
        other is not null && Routers.SequenceEqual(other.Routers) && Services.SequenceEqual(other.Services);

    public override int GetHashCode() => HashCode.Combine(Routers.Length, Services.Count);
}

/// <summary>One route of an IngressRouteUDP. Services reuse the TCP node shapes (load balancer over <c>host:port</c>, weighted).</summary>
public sealed record UdpRouter(string Name, ImmutableArray<string> EntryPoints, string Service, ResourceRef Source, int RouteIndex)
{
    public bool Equals(UdpRouter? other) =>
        other is not null && Name == other.Name && EntryPoints.SequenceEqual(other.EntryPoints) && Service == other.Service &&
        Source == other.Source && RouteIndex == other.RouteIndex;

    public override int GetHashCode() => HashCode.Combine(Name, Service);
}
