using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Switchyard.DataPlane.Tcp;

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

            if (result.IsCompleted || result.IsCanceled || buffer.Length >= ClientHello.MaxRecord)
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

    /// <summary>Reads the first TLS record as a ClientHello (the TCP router's parser) and looks for acme-tls/1 in its ALPN list.</summary>
    private static ParseState TryParse(ReadOnlySequence<byte> buffer, out bool offersAcmeTls)
    {
        var hello = ClientHello.TryRead(buffer);
        offersAcmeTls = hello is not null && hello.AlpnProtocols.Contains("acme-tls/1");
        return hello is null ? ParseState.NeedMore : ParseState.Done;
    }
}
