using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Routing.Rules;

/// <summary>
/// The value of a <c>ClientIP</c> matcher: one address or a CIDR block, IPv4 or IPv6. Parsing is as strict as Go's
/// <c>net.ParseIP</c>/<c>net.ParseCIDR</c> (which Traefik uses): IPv4 only in dotted-quad form without leading zeros
/// (.NET would read <c>1</c> as 0.0.0.1), no IPv6 zone. Host bits after the prefix are ignored, as in Go.
/// IPv4-mapped IPv6 client addresses (<c>::ffff:10.0.0.1</c>, what a dual-stack socket reports) match IPv4 ranges.
/// </summary>
internal readonly struct IpRange
{
    private readonly UInt128 _network;
    private readonly UInt128 _mask;
    private readonly bool _v4;

    private IpRange(UInt128 network, UInt128 mask, bool v4)
    {
        _network = network & mask;
        _mask = mask;
        _v4 = v4;
    }

    public static bool TryParse(string text, out IpRange range, out string? error)
    {
        range = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!TryParseAddress(addressText, out var value, out var v4))
        {
            error = $"'{text}' is not an IP address or CIDR block";
            return false;
        }

        // An IPv4-mapped IPv6 block keeps IPv6 prefix lengths; Go then applies the mask's last 32 bits.
        var mappedV4 = v4 && addressText.Contains(':');
        var bits = v4 && !mappedV4 ? 32 : 128;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = text.AsSpan(slash + 1);
            if (prefixText.Length is 0 or > 3 || (prefixText.Length > 1 && prefixText[0] == '0')
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits)
            {
                error = $"'{text}' has an invalid prefix length (0 to {bits})";
                return false;
            }
        }

        if (mappedV4)
        {
            prefix = Math.Max(0, prefix - 96);
        }

        var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
        if (v4)
        {
            mask >>= 96;
        }
        range = new IpRange(value, mask, v4);
        error = null;
        return true;
    }

    /// <summary>Allocation-free containment test of a socket address.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        UInt128 value;
        bool v4;
        if (written == 4)
        {
            value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            v4 = true;
        }
        else
        {
            value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            v4 = address.IsIPv4MappedToIPv6;
            if (v4)
            {
                value &= uint.MaxValue;
            }
        }

        return v4 == _v4 && (value & _mask) == _network;
    }

    private static bool TryParseAddress(ReadOnlySpan<char> text, out UInt128 value, out bool v4)
    {
        value = default;
        v4 = false;
        if (text.Contains(':'))
        {
            // IPv6; IPAddress is strict enough here except for zones (fe80::1%eth0), which Go refuses.
            if (text.Contains('%') || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            if (address.IsIPv4MappedToIPv6)
            {
                // Go treats ::ffff:a.b.c.d as the IPv4 address a.b.c.d.
                value &= uint.MaxValue;
                v4 = true;
            }
            return true;
        }

        v4 = true;
        uint result = 0;
        var parts = 0;
        while (true)
        {
            var dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')
                || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }
            result = (result << 8) | octet;
            parts++;
            if (dot < 0)
            {
                break;
            }
            text = text[(dot + 1)..];
        }

        value = result;
        return parts == 4;
    }
}
