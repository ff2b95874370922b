using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// The PROXY protocol header a ServersTransportTCP sends before the first byte (Traefik uses pires/go-proxyproto):
/// v1 is the text line <c>PROXY TCP4 src dst sport dport\r\n</c>, v2 the binary form (signature, PROXY command,
/// TCP over IPv4/IPv6, addresses and ports). Source is the client, destination the address it connected to.
/// </summary>
internal static class ProxyProtocolHeader
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] Create(int version, IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is not null && destination is not null)
        {
            // Both sides in the same family, as the header requires.
            if (source.AddressFamily != destination.AddressFamily)
            {
                source = new IPEndPoint(source.Address.MapToIPv6(), source.Port);
                destination = new IPEndPoint(destination.Address.MapToIPv6(), destination.Port);
            }
            else if (source.Address.IsIPv4MappedToIPv6 && destination.Address.IsIPv4MappedToIPv6)
            {
                source = new IPEndPoint(source.Address.MapToIPv4(), source.Port);
                destination = new IPEndPoint(destination.Address.MapToIPv4(), destination.Port);
            }
        }

        return version == 1 ? V1(source, destination) : V2(source, destination);
    }

    private static byte[] V1(IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is null || destination is null)
        {
            return "PROXY UNKNOWN\r\n"u8.ToArray();
        }

        var family = source.AddressFamily == AddressFamily.InterNetworkV6 ? "TCP6" : "TCP4";
        return Encoding.ASCII.GetBytes(FormattableString.Invariant(
            $"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n"));
    }

    private static byte[] V2(IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is null || destination is null)
        {
            // LOCAL command, no address: the receiver uses the connection's own addresses.
            var local = new byte[16];
            V2Signature.CopyTo(local, 0);
            local[12] = 0x20;
            return local;
        }

        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = v6 ? 16 : 4;
        var payload = 2 * addressLength + 4;
        var header = new byte[16 + payload];
        V2Signature.CopyTo(header, 0);
        header[12] = 0x21; // version 2, PROXY
        header[13] = v6 ? (byte)0x21 : (byte)0x11; // AF_INET6 / AF_INET, STREAM
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)payload);
        source.Address.TryWriteBytes(header.AsSpan(16, addressLength), out _);
        destination.Address.TryWriteBytes(header.AsSpan(16 + addressLength, addressLength), out _);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + 2 * addressLength), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + 2 * addressLength), (ushort)destination.Port);
        return header;
    }
}
