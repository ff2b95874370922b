using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// TLS versions and cipher suites from Traefik's names, for both sides: TLSOption (entry points) and ServersTransport
/// (backends). The compiler already refused unknown names, so the data plane maps what it gets.
/// </summary>
public static class TlsPolicy
{
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 only when a TLSOption or ServersTransport explicitly asks for them.
    /// <summary>Versions from min to max (Traefik's defaults: TLS 1.2 up to 1.3).</summary>
    public static SslProtocols Protocols(string? min, string? max)
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

    /// <summary>
    /// The cipher suites for TLS up to 1.2, plus every TLS 1.3 suite (Go ignores the list for 1.3, so does Traefik);
    /// null for none given or on Windows (no CipherSuitesPolicy there).
    /// </summary>
    public static CipherSuitesPolicy? CipherSuites(ImmutableArray<string> names)
    {
        if (names.IsDefaultOrEmpty || OperatingSystem.IsWindows())
        {
            return null;
        }

        var suites = new List<TlsCipherSuite>();
        foreach (var name in names)
        {
            if (Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite))
            {
                suites.Add(suite);
            }
        }

        if (suites.Count == 0)
        {
            return null;
        }

        suites.Add(TlsCipherSuite.TLS_AES_128_GCM_SHA256);
        suites.Add(TlsCipherSuite.TLS_AES_256_GCM_SHA384);
        suites.Add(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256);
        return new CipherSuitesPolicy(suites);
    }
}
