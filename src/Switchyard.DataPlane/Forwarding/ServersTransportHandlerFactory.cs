using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Turns a ServersTransport into the SocketsHttpHandler that carries calls to backends. One handler (and so
/// one connection pool) exists per ServersTransport + scheme; <see cref="BackendTransports"/> keeps it across
/// table swaps while the transport's config is unchanged.
/// </summary>
public static class ServersTransportHandlerFactory
{
    /// <summary>Build the handler.</summary>
    /// <param name="config">The ServersTransport with Traefik's defaults applied.</param>
    /// <param name="http2Only">True for h2c backends: no TLS settings are needed, and HTTP/2 is forced by the request version.</param>
    public static SocketsHttpHandler Create(ServersTransportConfig config, bool http2Only)
    {
        var timeouts = config.Timeouts;
        var handler = new SocketsHttpHandler
        {
            // A proxy forwards what it gets: no decompression, no redirects, no cookies, no system proxy.
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            // gRPC streams are long: when a connection's 100 streams are in use, open another one instead of queueing.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Positive(timeouts.DialTimeout) ?? Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Positive(timeouts.IdleConnTimeout) ?? Timeout.InfiniteTimeSpan,
            // Pods come and go; a connection is not kept forever so DNS / endpoint changes are honoured.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            // Traefik's readIdleTimeout: ping when nothing was read for this long; pingTimeout: give up after.
            // SocketsHttpHandler refuses values under a second (Traefik takes any duration): shorter ones become 1 s
            // here; the own HTTP/2 upstream (Http2Upstream.UpstreamOptions) keeps them as given.
            KeepAlivePingDelay = AtLeastASecond(Positive(timeouts.ReadIdleTimeout)) ?? Timeout.InfiniteTimeSpan,
            KeepAlivePingTimeout = AtLeastASecond(Positive(timeouts.PingTimeout)) ?? TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // Go's maxIdleConnsPerHost bounds idle connections, never the connections in use: no cap here. -1 keeps
            // no idle connection (below); a positive value is not a count .NET can bound (idleConnTimeout closes them).
            MaxConnectionsPerServer = int.MaxValue,
            // Response headers of gRPC calls with large metadata must pass.
            MaxResponseHeadersLength = 1024,
            ActivityHeadersPropagator = null,
        };

        if (config.MaxIdleConnsPerHost < 0)
        {
            // Traefik's -1 (Go: no idle connection kept): a zero lifetime disposes a connection when its call returns
            // it, so every call opens its own connection, closed after it.
            handler.PooledConnectionIdleTimeout = TimeSpan.Zero;
            handler.PooledConnectionLifetime = TimeSpan.Zero;
        }

        if (!http2Only)
        {
            handler.SslOptions = CreateSslOptions(config);
            if (!string.IsNullOrEmpty(config.ServerName))
            {
                handler.ConnectCallback = ServerNameConnector.Create(handler.SslOptions, config.ServerName);
            }
        }

        return handler;
    }

    internal static SslClientAuthenticationOptions CreateSslOptions(ServersTransportConfig config)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            // ALPN: h2 first unless disableHTTP2; the request version policy decides the rest.
            ApplicationProtocols = config.DisableHttp2
                ? [SslApplicationProtocol.Http11]
                : [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            // minVersion/maxVersion (Traefik's default, as Go's client: TLS 1.2 up to 1.3).
            EnabledSslProtocols = TlsPolicy.Protocols(config.MinVersion, config.MaxVersion),
            CipherSuitesPolicy = TlsPolicy.CipherSuites(config.CipherSuites),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        // serverName: the SNI (sent by ServerNameConnector, as SocketsHttpHandler overwrites TargetHost) and the name
        // verified below. Without it SocketsHttpHandler sends the request's host (Host header with passHostHeader).
        var serverName = string.IsNullOrEmpty(config.ServerName) ? null : config.ServerName;

        if (config.ClientCertificates.Length > 0)
        {
            var certs = new X509CertificateCollection();
            foreach (var pem in config.ClientCertificates)
            {
                if (pem.HasKey)
                {
                    certs.Add(pem.Certificate);
                }
            }

            ssl.ClientCertificates = certs;
        }

        var roots = new X509Certificate2Collection();
        foreach (var pem in config.RootCas)
        {
            roots.AddRange(pem.Certificates.ToArray());
        }

        var insecure = config.InsecureSkipVerify;
        var peerUri = config.PeerCertUri;
        IReadOnlyList<string>? sans = config.PeerCertSans.IsDefaultOrEmpty ? null : config.PeerCertSans;
        if (insecure && peerUri is null && sans is null)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (roots.Count > 0 || peerUri is not null || serverName is not null || sans is not null)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                BackendCertificateValidation.Validate(certificate, errors, roots, checkName: !insecure, serverName, peerUri, sans);
        }

        return ssl;
    }

    private static TimeSpan? Positive(TimeSpan value) => value > TimeSpan.Zero ? value : null;

    private static TimeSpan? AtLeastASecond(TimeSpan? value) => value < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : value;
}
