using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Switchyard.DataPlane.EntryPoints.ProxyProtocol;

/// <summary>What the first bytes of a connection are.</summary>
public enum ProxyHeaderStatus
{
    /// <summary>No PROXY signature: the bytes belong to the application, untouched.</summary>
    None,

    /// <summary>A signature (or its beginning) without the whole header yet: read more.</summary>
    Incomplete,

    /// <summary>A whole, valid header of <c>Length</c> bytes (its addresses may be null: LOCAL, UNKNOWN, UNSPEC).</summary>
    Parsed,

    /// <summary>A PROXY signature followed by something the specification does not allow: close the connection.</summary>
    Invalid,
}

/// <summary>A parsed header: how many bytes it took, and the client and the address it connected to, when given.</summary>
public readonly record struct ProxyHeader(ProxyHeaderStatus Status, int Length, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>
/// Reads a PROXY protocol header, v1 (text) or v2 (binary), as haproxy's specification (proxy-protocol.txt) and
/// pires/go-proxyproto (Traefik's reader, header.go Read) do: the first byte decides whether a header can follow
/// at all ('P' for v1, CR for v2), so a connection without one is recognised from its first bytes. A v1 line is at
/// most 107 bytes; v2 carries its own length (TLVs after the addresses are skipped). Never throws on any input.
/// </summary>
public static class ProxyProtocolParser
{
    /// <summary>Longest v1 line, CRLF included (the specification's 107).</summary>
    public const int MaxV1Length = 107;

    private static readonly byte[] V1Signature = "PROXY "u8.ToArray();
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyHeader Parse(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return new(ProxyHeaderStatus.Incomplete, 0, null, null);
        }

        var first = buffer.FirstSpan[0];
        return first switch
        {
            (byte)'P' => V1(buffer),
            0x0D => V2(buffer),
            _ => new(ProxyHeaderStatus.None, 0, null, null),
        };
    }

    private static ProxyHeader V1(ReadOnlySequence<byte> buffer)
    {
        Span<byte> line = stackalloc byte[MaxV1Length];
        var available = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, available).CopyTo(line);
        line = line[..available];
        var prefix = Math.Min(available, V1Signature.Length);
        if (!line[..prefix].SequenceEqual(V1Signature.AsSpan(0, prefix)))
        {
            return new(ProxyHeaderStatus.None, 0, null, null);
        }

        var end = line.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return available < MaxV1Length ? new(ProxyHeaderStatus.Incomplete, 0, null, null) : Invalid;
        }

        var fields = Encoding.ASCII.GetString(line[V1Signature.Length..end]).Split(' ');
        var length = end + 2;
        if (fields[0] == "UNKNOWN")
        {
            // The sender does not know the addresses: the connection's own are kept (the rest of the line is ignored).
            return new(ProxyHeaderStatus.Parsed, length, null, null);
        }

        if (fields.Length != 5 || fields[0] is not ("TCP4" or "TCP6") ||
            !IPAddress.TryParse(fields[1], out var source) || !IPAddress.TryParse(fields[2], out var destination) ||
            !Port(fields[3], out var sourcePort) || !Port(fields[4], out var destinationPort))
        {
            return Invalid;
        }

        // IPAddress.TryParse also takes "1" or "0x7f.1" for IPv4; the specification writes dotted quads only.
        var family = fields[0] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        return source.AddressFamily != family || destination.AddressFamily != family || !Canonical(fields[1], family) || !Canonical(fields[2], family)
            ? Invalid
            : new(ProxyHeaderStatus.Parsed, length, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    private static bool Canonical(string text, System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
            : text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool Port(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 &&
        (text.Length == 1 || text[0] != '0');

    private static ProxyHeader V2(ReadOnlySequence<byte> buffer)
    {
        Span<byte> fixedPart = stackalloc byte[16];
        var available = (int)Math.Min(buffer.Length, 16);
        buffer.Slice(0, available).CopyTo(fixedPart);
        var prefix = Math.Min(available, V2Signature.Length);
        if (!fixedPart[..prefix].SequenceEqual(V2Signature.AsSpan(0, prefix)))
        {
            return new(ProxyHeaderStatus.None, 0, null, null);
        }

        if (available < 16)
        {
            return new(ProxyHeaderStatus.Incomplete, 0, null, null);
        }

        var versionCommand = fixedPart[12];
        var familyProtocol = fixedPart[13];
        var payload = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0F) > 1)
        {
            return Invalid;
        }

        var length = 16 + payload;
        if (buffer.Length < length)
        {
            return new(ProxyHeaderStatus.Incomplete, 0, null, null);
        }

        // LOCAL (health checks of the proxy itself) or an address family we do not route on: keep the connection's.
        var addressLength = (familyProtocol >> 4) switch { 1 => 4, 2 => 16, _ => 0 };
        if ((versionCommand & 0x0F) == 0 || addressLength == 0)
        {
            return new(ProxyHeaderStatus.Parsed, length, null, null);
        }

        if (payload < (2 * addressLength) + 4)
        {
            return Invalid;
        }

        Span<byte> addresses = stackalloc byte[36];
        buffer.Slice(16, (2 * addressLength) + 4).CopyTo(addresses);
        var source = new IPAddress(addresses[..addressLength]);
        var destination = new IPAddress(addresses.Slice(addressLength, addressLength));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * addressLength) + 2)..]);
        return new(ProxyHeaderStatus.Parsed, length, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    private static ProxyHeader Invalid => new(ProxyHeaderStatus.Invalid, 0, null, null);
}
