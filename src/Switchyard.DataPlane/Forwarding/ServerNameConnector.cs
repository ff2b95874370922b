using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// ServersTransport <c>serverName</c> as the SNI of TLS connections to backends (Go's tls.Config.ServerName, Traefik
/// pkg/server/service/transport.go). SocketsHttpHandler takes its SNI from the request's host and overwrites
/// SslOptions.TargetHost, so the handshake is made here, in its ConnectCallback: TCP connect, then TLS with TargetHost =
/// serverName and the transport's own options; SocketsHttpHandler uses an SslStream it is given as is (HTTP/2 when ALPN
/// chose h2). Cleartext calls through the same handler get the plain connection.
/// </summary>
internal static class ServerNameConnector
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(SslClientAuthenticationOptions tls, string serverName) =>
        async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            if (!string.Equals(context.InitialRequestMessage.RequestUri?.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                return stream;
            }

            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsClientAsync(Options(tls, serverName, context.InitialRequestMessage), cancellationToken);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync();
                throw;
            }
        };

    /// <summary>
    /// The transport's TLS options with the SNI set, offering ALPN as SocketsHttpHandler would for this request: h2 only
    /// for a request that must be HTTP/2, h2 and http/1.1 for one that may fall back, http/1.1 for an HTTP/1.1 request
    /// (and never h2 when the transport disables HTTP/2: its options list http/1.1 only).
    /// </summary>
    private static SslClientAuthenticationOptions Options(SslClientAuthenticationOptions tls, string serverName, HttpRequestMessage request)
    {
        var offered = tls.ApplicationProtocols ?? [SslApplicationProtocol.Http11];
        var wantsH2 = request.Version >= System.Net.HttpVersion.Version20 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher;
        var mustH2 = request.Version >= System.Net.HttpVersion.Version20 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower;
        List<SslApplicationProtocol> alpn = [.. offered.Where(p => wantsH2 ? !mustH2 || p == SslApplicationProtocol.Http2 : p != SslApplicationProtocol.Http2)];
        return new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = alpn.Count > 0 ? alpn : offered,
            EnabledSslProtocols = tls.EnabledSslProtocols,
            CipherSuitesPolicy = tls.CipherSuitesPolicy,
            CertificateRevocationCheckMode = tls.CertificateRevocationCheckMode,
            ClientCertificates = tls.ClientCertificates,
            RemoteCertificateValidationCallback = tls.RemoteCertificateValidationCallback,
        };
    }
}
