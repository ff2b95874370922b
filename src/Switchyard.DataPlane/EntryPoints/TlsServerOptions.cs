using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>Maps a TLSOption onto SslServerAuthenticationOptions (versions, cipher suites, ALPN, client auth).</summary>
public static class TlsServerOptions
{
    public static SslServerAuthenticationOptions Create(SslStreamCertificateContext certificate, TlsOptionsConfig? options)
    {
        var ssl = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            ApplicationProtocols = Alpn(options),
            EnabledSslProtocols = TlsPolicy.Protocols(options?.MinVersion, options?.MaxVersion),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // disableSessionTickets: Go's server resumes sessions only through tickets, so no resumption at all.
            AllowTlsResume = options?.DisableSessionTickets != true,
        };

        if (options is not null && TlsPolicy.CipherSuites(options.CipherSuites) is { } policy)
        {
            ssl.CipherSuitesPolicy = policy;
        }

        ConfigureClientAuth(ssl, options?.ClientAuth);
        return ssl;
    }

    private static List<SslApplicationProtocol> Alpn(TlsOptionsConfig? options)
    {
        if (options is not { AlpnProtocols.Length: > 0 })
        {
            return [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];
        }

        var list = new List<SslApplicationProtocol>();
        foreach (var p in options.AlpnProtocols)
        {
            list.Add(p switch
            {
                "h2" => SslApplicationProtocol.Http2,
                "http/1.1" => SslApplicationProtocol.Http11,
                _ => new SslApplicationProtocol(p),
            });
        }

        return list;
    }

    private static void ConfigureClientAuth(SslServerAuthenticationOptions ssl, ClientAuthConfig? clientAuth)
    {
        var type = clientAuth?.ClientAuthType ?? "NoClientCert";
        if (type == "NoClientCert")
        {
            return;
        }

        var roots = new X509Certificate2Collection();
        foreach (var ca in clientAuth!.CaCertificates)
        {
            roots.AddRange(ca.Certificates.ToArray());
        }

        var require = type is "RequireAnyClientCert" or "RequireAndVerifyClientCert";
        var verify = type is "VerifyClientCertIfGiven" or "RequireAndVerifyClientCert";
        ssl.ClientCertificateRequired = true; // ask for a certificate; whether it must be present is decided below
        ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return !require;
            }

            return !verify || ChainsTo(certificate, roots);
        };
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2Collection roots)
    {
        if (roots.Count == 0)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(leaf);
    }
}
