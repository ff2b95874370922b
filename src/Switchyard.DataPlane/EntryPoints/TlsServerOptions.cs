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
            EnabledSslProtocols = Protocols(options?.MinVersion, options?.MaxVersion),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (options is { CipherSuites.Length: > 0 } && !OperatingSystem.IsWindows())
        {
            var suites = new List<TlsCipherSuite>();
            foreach (var name in options.CipherSuites)
            {
                if (Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite))
                {
                    suites.Add(suite);
                }
            }

            if (suites.Count > 0)
            {
                // TLS 1.3 suites are always allowed (Go ignores the list for 1.3, so does Traefik).
                suites.Add(TlsCipherSuite.TLS_AES_128_GCM_SHA256);
                suites.Add(TlsCipherSuite.TLS_AES_256_GCM_SHA384);
                suites.Add(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256);
                ssl.CipherSuitesPolicy = new CipherSuitesPolicy(suites);
            }
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

#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 only when a TLSOption explicitly asks for them.
    private static SslProtocols Protocols(string? min, string? max)
    {
        static int Rank(string? v, int fallback) => v switch
        {
            "VersionTLS10" => 0,
            "VersionTLS11" => 1,
            "VersionTLS12" => 2,
            "VersionTLS13" => 3,
            _ => fallback,
        };

        var lo = Rank(min, 2);
        var hi = Rank(max, 3);
        SslProtocols[] all = [SslProtocols.Tls, SslProtocols.Tls11, SslProtocols.Tls12, SslProtocols.Tls13];
        var result = SslProtocols.None;
        for (var i = lo; i <= hi; i++)
        {
            result |= all[i];
        }

        return result == SslProtocols.None ? SslProtocols.Tls12 | SslProtocols.Tls13 : result;
    }
#pragma warning restore SYSLIB0039

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
