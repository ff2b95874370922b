using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// Kestrel's TLS callback sees the SNI but not the ALPN protocols the client offers, and a TLS-ALPN-01
/// challenge certificate must only be shown to a client offering "acme-tls/1" (a browser arriving during a
/// renewal must still get the real certificate). This connection middleware runs before TLS, peeks at the
/// ClientHello without consuming it, and marks connections that offer acme-tls/1. It only looks while a
/// TLS-ALPN-01 challenge is pending, so normal traffic pays nothing.
/// </summary>
public static class ClientHelloAlpn
{
    /// <summary>Key in ConnectionContext.Items set when the ClientHello offers acme-tls/1.</summary>
    public const string AcmeTlsOfferedKey = "switchyard.acme-tls-offered";

    private const int MaxPeek = 16 * 1024 + 5;

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(AcmeChallengeStore store) => next => async connection =>
    {
        if (store.HasTlsAlpn01 && await OffersAcmeTlsAsync(connection.Transport.Input, connection.ConnectionClosed))
        {
            connection.Items[AcmeTlsOfferedKey] = true;
        }

        await next(connection);
    };

    private static async ValueTask<bool> OffersAcmeTlsAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = result.Buffer;
            var state = TryParse(buffer, out var offers);
            // Consume nothing: the TLS handshake reads the same bytes.
            input.AdvanceTo(buffer.Start, state == ParseState.NeedMore ? buffer.End : buffer.Start);
            if (state != ParseState.NeedMore)
            {
                return offers;
            }

            if (result.IsCompleted || result.IsCanceled || buffer.Length >= MaxPeek)
            {
                return false;
            }
        }
    }

    private enum ParseState
    {
        NeedMore,
        Done,
    }

    /// <summary>Parses the first TLS record as a ClientHello and looks for acme-tls/1 in its ALPN extension.</summary>
    private static ParseState TryParse(ReadOnlySequence<byte> buffer, out bool offersAcmeTls)
    {
        offersAcmeTls = false;
        if (buffer.Length < 5)
        {
            return ParseState.NeedMore;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        if (header[0] != 0x16)
        {
            return ParseState.Done; // not a handshake record
        }

        var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (buffer.Length < 5 + recordLength)
        {
            return ParseState.NeedMore;
        }

        var record = buffer.Slice(5, recordLength).ToArray();
        offersAcmeTls = FindAlpn(record, "acme-tls/1"u8);
        return ParseState.Done;
    }

    /// <summary>Walks ClientHello → extensions → ALPN (type 16). Any malformation just answers false.</summary>
    internal static bool FindAlpn(ReadOnlySpan<byte> hello, ReadOnlySpan<byte> protocol)
    {
        // handshake type (1) + length (3) + client_version (2) + random (32)
        var p = 4 + 2 + 32;
        if (hello.Length < p + 1 || hello[0] != 0x01)
        {
            return false;
        }

        p += 1 + hello[p]; // session id
        if (p + 2 > hello.Length)
        {
            return false;
        }

        p += 2 + BinaryPrimitives.ReadUInt16BigEndian(hello[p..]); // cipher suites
        if (p + 1 > hello.Length)
        {
            return false;
        }

        p += 1 + hello[p]; // compression methods
        if (p + 2 > hello.Length)
        {
            return false;
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
                return false;
            }

            if (type == 16 && length >= 2)
            {
                var q = data + 2;
                var listEnd = Math.Min(data + length, q + BinaryPrimitives.ReadUInt16BigEndian(hello[data..]));
                while (q < listEnd)
                {
                    var n = hello[q];
                    if (q + 1 + n > listEnd)
                    {
                        return false;
                    }

                    if (hello.Slice(q + 1, n).SequenceEqual(protocol))
                    {
                        return true;
                    }

                    q += 1 + n;
                }

                return false;
            }

            p = data + length;
        }

        return false;
    }
}
