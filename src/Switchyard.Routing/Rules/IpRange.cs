using System.Net;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Rules;

/// <summary>
/// The value of a <c>ClientIP</c> matcher: one address or a CIDR block, IPv4 or IPv6, read by the one IP-range
/// parser (<see cref="IpRanges"/>, as strict as Go's net.ParseIP/net.ParseCIDR that Traefik uses). IPv4-mapped IPv6
/// client addresses (<c>::ffff:10.0.0.1</c>, what a dual-stack socket reports) match IPv4 ranges.
/// </summary>
internal readonly struct IpRange
{
    private readonly IPNetwork _network;

    private IpRange(IPNetwork network) => _network = network;

    public static bool TryParse(string text, out IpRange range, out string? error)
    {
        var ok = IpRanges.TryParse(text, out var network, out error);
        range = new IpRange(network);
        return ok;
    }

    /// <summary>Allocation-free containment test of a socket address.</summary>
    public bool Contains(IPAddress? address) => address is not null && _network.BaseAddress is not null && IpRanges.Contains(_network, address);
}
