using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// What a TCP router reads from the first TLS record without terminating anything (Traefik's clientHelloInfo in
/// <c>pkg/server/router/tcp/router.go</c>): whether the connection starts with a TLS handshake, the SNI and the
/// ALPN protocols offered. Malformed input is "TLS without SNI", never an exception.
/// </summary>
public sealed record ClientHello(bool IsTls, string ServerName, IReadOnlyList<string> AlpnProtocols)
{
    public static readonly ClientHello NotTls = new(false, "", []);

    /// <summary>The largest first record we wait for (a TLS record is at most 16 KB + header).</summary>
    public const int MaxRecord = 16 * 1024 + 5;

    /// <summary>Null when more bytes are needed to decide; otherwise the result.</summary>
    public static ClientHello? TryRead(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return null;
        }

        if (buffer.FirstSpan[0] != 0x16)
        {
            return NotTls;
        }

        if (buffer.Length < 5)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (buffer.Length < 5 + recordLength)
        {
            return null;
        }

        var record = buffer.Slice(5, recordLength);
        var bytes = record.IsSingleSegment ? record.FirstSpan : record.ToArray();
        return Parse(bytes);
    }

    private static ClientHello Parse(ReadOnlySpan<byte> hello)
    {
        var sni = "";
        var alpn = new List<string>();
        // handshake type (1) + length (3) + client_version (2) + random (32)
        var p = 4 + 2 + 32;
        if (hello.Length < p + 1 || hello[0] != 0x01)
        {
            return new ClientHello(true, sni, alpn);
        }

        p += 1 + hello[p]; // session id
        if (p + 2 > hello.Length)
        {
            return new ClientHello(true, sni, alpn);
        }

        p += 2 + BinaryPrimitives.ReadUInt16BigEndian(hello[p..]); // cipher suites
        if (p + 1 > hello.Length)
        {
            return new ClientHello(true, sni, alpn);
        }

        p += 1 + hello[p]; // compression methods
        if (p + 2 > hello.Length)
        {
            return new ClientHello(true, sni, alpn);
        }

        var end = Math.Min(hello.Length, p + 2 + BinaryPrimitives.ReadUInt16BigEndian(hello[p..]));
        p += 2;
        while (p + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(hello[p..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(hello[(p + 2)..]);
            var data = p + 4;
            if (data + length > end)
            {
                break;
            }

            var ext = hello.Slice(data, length);
            if (type == 0)
            {
                sni = ReadServerName(ext);
            }
            else if (type == 16)
            {
                ReadAlpn(ext, alpn);
            }

            p = data + length;
        }

        return new ClientHello(true, sni, alpn);
    }

    /// <summary>server_name extension: list length (2), then entries of type (1) + length (2) + name; type 0 is a host name.</summary>
    private static string ReadServerName(ReadOnlySpan<byte> ext)
    {
        if (ext.Length < 2)
        {
            return "";
        }

        var listEnd = Math.Min(ext.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(ext));
        var q = 2;
        while (q + 3 <= listEnd)
        {
            var nameType = ext[q];
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(ext[(q + 1)..]);
            if (q + 3 + nameLength > listEnd)
            {
                return "";
            }

            if (nameType == 0)
            {
                var name = ext.Slice(q + 3, nameLength);
                return Ascii.IsValid(name) ? Routing.Tcp.TcpConnectionInfo.CanonicalServerName(Encoding.ASCII.GetString(name)) : "";
            }

            q += 3 + nameLength;
        }

        return "";
    }

    private static void ReadAlpn(ReadOnlySpan<byte> ext, List<string> alpn)
    {
        if (ext.Length < 2)
        {
            return;
        }

        var listEnd = Math.Min(ext.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(ext));
        var q = 2;
        while (q < listEnd)
        {
            var n = ext[q];
            if (q + 1 + n > listEnd)
            {
                return;
            }

            alpn.Add(Encoding.ASCII.GetString(ext.Slice(q + 1, n)));
            q += 1 + n;
        }
    }
}
