using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.EntryPoints.ProxyProtocol;

/// <summary>An entry point's <c>proxyProtocol</c> (Traefik's static keys): whose PROXY header addresses are believed.</summary>
public sealed record ProxyProtocolOptions
{
    /// <summary>Believe every peer's header.</summary>
    public bool Insecure { get; init; }

    /// <summary>Peers (IPs or CIDRs) whose header is believed.</summary>
    public ImmutableArray<IPNetwork> TrustedIPs { get; init; } = [];

    internal bool Trusts(IPAddress? peer)
    {
        if (Insecure)
        {
            return true;
        }

        if (peer is null)
        {
            return false;
        }

        peer = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var network in TrustedIPs)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Reads the PROXY protocol header at the start of each connection of an entry point, before the TCP router, TLS and
/// HTTP see it (Traefik <c>pkg/server/server_entrypoint_tcp.go</c> buildProxyProtocolListener over
/// pires/go-proxyproto). As there:
/// <list type="bullet">
/// <item>a header is optional: a connection whose first bytes are not a PROXY signature goes on untouched;</item>
/// <item>from a trusted peer (or with <c>insecure</c>) the header's source and destination become the connection's
/// remote and local addresses, so ClientIP, ipAllowList, inFlightConn, rateLimit and X-Forwarded-For see the client;</item>
/// <item>from any other peer the header is read and removed but its addresses are ignored (go-proxyproto's IGNORE
/// policy), so an untrusted client cannot pass as another address, nor break the protocol behind;</item>
/// <item>a header that starts with the signature and breaks the specification closes the connection.</item>
/// </list>
/// The wait is bounded by the entry point's header timeout (Traefik uses readTimeout): silence for that long is
/// treated as "no header" (go-proxyproto), a header begun and not finished in that time closes the connection.
/// The longest header held is 16 + 65535 bytes (v2's own length field).
/// </summary>
internal sealed partial class ProxyProtocolReceiver(ProxyProtocolOptions options, TimeSpan timeout, ILogger logger)
{
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        var header = await ReadAsync(connection.Transport.Input, connection.ConnectionClosed);
        if (header.Status is ProxyHeaderStatus.Invalid or ProxyHeaderStatus.Incomplete)
        {
            LogRefused(logger, peer, header.Status == ProxyHeaderStatus.Invalid ? "invalid PROXY protocol header" : "PROXY protocol header not completed in time");
            connection.Abort();
            return;
        }

        if (header is { Source: { } source, Destination: { } destination })
        {
            if (options.Trusts(peer))
            {
                connection.RemoteEndPoint = source;
                connection.LocalEndPoint = destination;
            }
            else
            {
                LogIgnored(logger, peer);
            }
        }

        await next(connection);
    };

    /// <summary>The header, consumed from the pipe when there is one; nothing consumed otherwise.</summary>
    private async Task<ProxyHeader> ReadAsync(PipeReader input, CancellationToken closed)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(timeout);
        var started = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                // Silence is "no header" (a server-first protocol from a direct client); half a header is not.
                return new(started ? ProxyHeaderStatus.Incomplete : ProxyHeaderStatus.None, 0, null, null);
            }

            var buffer = result.Buffer;
            var header = ProxyProtocolParser.Parse(buffer);
            switch (header.Status)
            {
                case ProxyHeaderStatus.Parsed:
                    input.AdvanceTo(buffer.GetPosition(header.Length));
                    return header;
                case ProxyHeaderStatus.None or ProxyHeaderStatus.Invalid:
                    input.AdvanceTo(buffer.Start);
                    return header;
            }

            started = !buffer.IsEmpty;
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                // The peer left in the middle of a header; with nothing sent at all, let the next stage see the end.
                return new(started ? ProxyHeaderStatus.Invalid : ProxyHeaderStatus.None, 0, null, null);
            }
        }
    }

    [LoggerMessage(EventId = 5330, Level = LogLevel.Debug, Message = "connection from {Peer} closed: {Reason}")]
    private static partial void LogRefused(ILogger logger, IPAddress? peer, string reason);

    [LoggerMessage(EventId = 5331, Level = LogLevel.Debug, Message = "PROXY protocol header from {Peer} ignored: not in proxyProtocol.trustedIPs")]
    private static partial void LogIgnored(ILogger logger, IPAddress? peer);
}
