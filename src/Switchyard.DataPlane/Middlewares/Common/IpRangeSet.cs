using System.Collections.Immutable;
using System.Net;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>
/// A set of IP ranges from the table (Traefik's ip.Checker), used by ipAllowList, the <c>excludedIPs</c> of an
/// ipStrategy, the TCP ipAllowList and the entry points' trustedIPs. The ranges were parsed by the compiler
/// (<see cref="IpRanges"/>); nothing here reads configuration text. Matching is allocation-free.
/// </summary>
public sealed class IpRangeSet(ImmutableArray<IPNetwork> networks)
{
    private readonly IPNetwork[] _networks = [.. networks.IsDefault ? [] : networks];

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>True when <paramref name="ip"/> falls in one of the ranges.</summary>
    public bool Contains(IPAddress ip) => IpRanges.Contains(_networks, ip);

    /// <summary>Checks a client address taken from a request header; an unparsable one is "not contained".</summary>
    public bool Contains(ReadOnlySpan<char> ipText) => IPAddress.TryParse(ipText, out var ip) && Contains(ip);
}
