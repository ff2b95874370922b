using System.Net;
using System.Net.Sockets;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>
/// A set of IP addresses and CIDR ranges (Traefik's ip.Checker), used by ipAllowList and by the
/// <c>excludedIPs</c> of an ipStrategy. Matching is allocation-free: prefixes are compared on the bytes.
/// </summary>
public sealed class IpRangeSet
{
    private readonly Range[] _ranges;

    private IpRangeSet(Range[] ranges) => _ranges = ranges;

    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>Parse entries like <c>10.0.0.0/8</c>, <c>192.168.1.7</c>, <c>::1/128</c>. Throws ArgumentException on a bad entry.</summary>
    public static IpRangeSet Parse(IEnumerable<string> entries)
    {
        var ranges = new List<Range>();
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            var slash = entry.IndexOf('/', StringComparison.Ordinal);
            var ipText = slash < 0 ? entry : entry[..slash];
            if (!IPAddress.TryParse(ipText, out var ip))
            {
                throw new ArgumentException($"invalid IP or CIDR '{entry}'");
            }

            var bytes = Normalize(ip).GetAddressBytes();
            var prefix = bytes.Length * 8;
            if (slash >= 0 && (!int.TryParse(entry.AsSpan(slash + 1), out prefix) || prefix < 0 || prefix > bytes.Length * 8))
            {
                throw new ArgumentException($"invalid CIDR prefix in '{entry}'");
            }

            ranges.Add(new Range(bytes, prefix));
        }

        return new IpRangeSet([.. ranges]);
    }

    /// <summary>True when <paramref name="ip"/> falls in one of the ranges.</summary>
    public bool Contains(IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!Normalize(ip).TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        foreach (var range in _ranges)
        {
            if (range.Matches(bytes))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses then checks; an unparsable text is "not contained".</summary>
    public bool Contains(ReadOnlySpan<char> ipText) => IPAddress.TryParse(ipText, out var ip) && Contains(ip);

    // IPv4-mapped IPv6 (dual-stack sockets) compares as IPv4, so "10.0.0.0/8" matches "::ffff:10.1.2.3".
    private static IPAddress Normalize(IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    private readonly record struct Range(byte[] Network, int Prefix)
    {
        public bool Matches(ReadOnlySpan<byte> address)
        {
            if (address.Length != Network.Length)
            {
                return false;
            }

            var full = Prefix / 8;
            if (!address[..full].SequenceEqual(Network.AsSpan(0, full)))
            {
                return false;
            }

            var rest = Prefix % 8;
            if (rest == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - rest));
            return (address[full] & mask) == (Network[full] & mask);
        }
    }
}
