using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
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
            KeepAlivePingDelay = Positive(timeouts.ReadIdleTimeout) ?? Timeout.InfiniteTimeSpan,
            KeepAlivePingTimeout = Positive(timeouts.PingTimeout) ?? TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // The closest knob to Go's maxIdleConnsPerHost: bounds the HTTP/1.1 pool per server. HTTP/2 multiplexes.
            MaxConnectionsPerServer = config.MaxIdleConnsPerHost > 0 ? config.MaxIdleConnsPerHost : int.MaxValue,
            // Response headers of gRPC calls with large metadata must pass.
            MaxResponseHeadersLength = 1024,
            ActivityHeadersPropagator = null,
        };

        if (!http2Only)
        {
            handler.SslOptions = CreateSslOptions(config);
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
            EnabledSslProtocols = SslProtocols.None, // OS default: TLS 1.2 and 1.3
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (!string.IsNullOrEmpty(config.ServerName))
        {
            // serverName is the SNI and the name verified. Without it, .NET uses the Host header (passHostHeader)
            // or the server address, like Go's transport does with the URL host.
            ssl.TargetHost = config.ServerName;
        }

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

        if (config.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (config.RootCas.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            foreach (var pem in config.RootCas)
            {
                roots.AddRange(pem.Certificates.ToArray());
            }

            var peerUri = config.PeerCertUri;
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateWithRoots(certificate, errors, roots, peerUri);
        }
        else if (config.PeerCertUri is { } uri)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None && certificate is not null && HasUriSan(certificate, uri);
        }

        return ssl;
    }

    /// <summary>Chain to the transport's rootCAs only (CustomRootTrust), and check the name as .NET did.</summary>
    private static bool ValidateWithRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots, string? peerUri)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(leaf))
        {
            return false;
        }

        return peerUri is null || HasUriSan(leaf, peerUri);
    }

    private static bool HasUriSan(X509Certificate certificate, string uri)
    {
        using var cert = new X509Certificate2(certificate);
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                // The managed SAN extension only enumerates DNS names and IPs; URIs appear in the formatted text.
                if (san.Format(false).Contains("URL=" + uri, StringComparison.Ordinal) ||
                    san.Format(false).Contains("URI:" + uri, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static TimeSpan? Positive(TimeSpan value) => value > TimeSpan.Zero ? value : null;
}
