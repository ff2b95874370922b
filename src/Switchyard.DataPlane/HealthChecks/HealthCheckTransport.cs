using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// The SocketsHttpHandler a health probe uses: the service's ServersTransport TLS settings (rootCAs,
/// serverName/SNI, client certificates, insecureSkipVerify) and dial timeout, so checks see the backend
/// exactly as calls do. Each probe owns its handler (one connection per checked server).
/// </summary>
public static class HealthCheckTransport
{
    public static SocketsHttpHandler Create(ServersTransportConfig transport, bool http2Only)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = transport.Timeouts.DialTimeout > TimeSpan.Zero ? transport.Timeouts.DialTimeout : Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };

        var ssl = new SslClientAuthenticationOptions();
        if (!string.IsNullOrEmpty(transport.ServerName))
        {
            ssl.TargetHost = transport.ServerName;
        }

        if (!transport.ClientCertificates.IsDefaultOrEmpty)
        {
            var certs = new X509CertificateCollection();
            foreach (var pem in transport.ClientCertificates)
            {
                if (pem.KeyPem is not null)
                {
                    using var loaded = X509Certificate2.CreateFromPem(pem.CertificatePem, pem.KeyPem);
                    // Re-import so SslStream can use the ephemeral key on every platform.
                    certs.Add(X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null));
                }
            }

            ssl.ClientCertificates = certs;
        }

        if (transport.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (!transport.RootCas.IsDefaultOrEmpty)
        {
            var roots = new X509Certificate2Collection();
            foreach (var pem in transport.RootCas)
            {
                roots.ImportFromPem(pem.CertificatePem);
            }

            ssl.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (!http2Only && transport.DisableHttp2)
        {
            ssl.ApplicationProtocols = [SslApplicationProtocol.Http11];
        }

        handler.SslOptions = ssl;
        return handler;
    }
}
