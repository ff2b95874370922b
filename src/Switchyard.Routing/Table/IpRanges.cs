using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Routing.Table;

/// <summary>
/// The one reading of an IP range from configuration (ipAllowList/ipWhiteList sourceRange, ipStrategy excludedIPs,
/// TCP ipAllowList, entry point forwardedHeaders.trustedIPs, the ClientIP matcher), as Traefik's ip.Checker reads it
/// (pkg/ip/checker.go: net.ParseIP, else net.ParseCIDR): a plain address or a CIDR block, nothing trimmed — a
/// surrounding space is refused, as in Traefik. IPv4 only as a dotted quad without leading zeros, no IPv6 zone or
/// brackets; host bits after the prefix are ignored (Go masks them); an IPv4-mapped IPv6 block
/// (<c>::ffff:10.0.0.0/104</c>) is the IPv4 block it stands for. The compiler parses; the table carries the
/// <see cref="IPNetwork"/>s; the data plane only tests membership with <see cref="Contains(IPNetwork, IPAddress)"/>.
/// </summary>
public static class IpRanges
{
    /// <summary>Parses one entry, or says why it is not an IP address or CIDR block.</summary>
    public static bool TryParse(string? text, out IPNetwork network, out string? error)
    {
        network = default;
        text ??= "";
        if (text.Length != text.AsSpan().Trim().Length)
        {
            error = $"'{text}' is not an IP address or CIDR block: surrounding spaces are not allowed (Traefik refuses them too)";
            return false;
        }

        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!TryParseAddress(addressText, out var address))
        {
            error = $"'{text}' is not an IP address or CIDR block";
            return false;
        }

        var bits = addressText.Contains(':') ? 128 : 32;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = text.AsSpan(slash + 1);
            if (prefixText.Length == 0 || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits)
            {
                error = $"'{text}' has an invalid prefix length (0 to {bits})";
                return false;
            }
        }

        if (address.IsIPv4MappedToIPv6)
        {
            // Go keeps a 128-bit mask and applies its last 32 bits to IPv4 clients.
            address = address.MapToIPv4();
            prefix = Math.Max(0, prefix - 96);
        }

        network = new IPNetwork(Masked(address, prefix), prefix);
        error = null;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="address"/> is in <paramref name="network"/>; an IPv4-mapped IPv6 client (what a
    /// dual-stack socket reports) is tested as the IPv4 address it carries, as Go does. Allocation-free.
    /// </summary>
    public static bool Contains(IPNetwork network, IPAddress address)
    {
        if (!address.IsIPv4MappedToIPv6)
        {
            return network.Contains(address);
        }

        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            return false; // Go tests a mapped client as 4 bytes: no IPv6 block (not even ::/0) holds it.
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Span<byte> baseBytes = stackalloc byte[4];
        network.BaseAddress.TryWriteBytes(baseBytes, out _);
        var mask = network.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - network.PrefixLength);
        return (BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]) & mask) == BinaryPrimitives.ReadUInt32BigEndian(baseBytes);
    }

    /// <summary>Whether any of <paramref name="networks"/> holds <paramref name="address"/>.</summary>
    public static bool Contains(ReadOnlySpan<IPNetwork> networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (Contains(network, address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    private static bool TryParseAddress(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            // IPv6: IPAddress is as strict as Go once zones (fe80::1%eth0), brackets and other characters are refused.
            foreach (var c in text)
            {
                if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
                {
                    return false;
                }
            }

            return IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPv4: four decimal octets, no leading zero (.NET would read "1" as 0.0.0.1 and "010" as octal-free 10).
        Span<byte> octets = stackalloc byte[4];
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (parts == 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')
                || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out octets[parts]))
            {
                return false;
            }

            parts++;
        }

        if (parts != 4)
        {
            return false;
        }

        address = new IPAddress(octets);
        return true;
    }
}
