using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// Challenges being validated right now, shared between the ACME issuer (writes) and the entry points (read):
/// HTTP-01 tokens answered on `web` at /.well-known/acme-challenge/{token} before any router, and TLS-ALPN-01
/// certificates presented on `websecure` to clients that offer ALPN "acme-tls/1".
/// </summary>
public sealed class AcmeChallengeStore
{
    public const string AcmeTlsAlpnProtocol = "acme-tls/1";
    public const string Http01PathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<string, string> _http01 = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, X509Certificate2> _tlsAlpn01 = new(StringComparer.OrdinalIgnoreCase);

    public void AddHttp01(string token, string keyAuthorization) => _http01[token] = keyAuthorization;

    public void RemoveHttp01(string token) => _http01.TryRemove(token, out _);

    public bool TryGetHttp01(string token, out string keyAuthorization) => _http01.TryGetValue(token, out keyAuthorization!);

    public void AddTlsAlpn01(string domain, X509Certificate2 certificate) => _tlsAlpn01[domain] = certificate;

    public void RemoveTlsAlpn01(string domain)
    {
        if (_tlsAlpn01.TryRemove(domain, out var cert))
        {
            cert.Dispose();
        }
    }

    public bool TryGetTlsAlpn01(string domain, out X509Certificate2 certificate) => _tlsAlpn01.TryGetValue(domain, out certificate!);

    /// <summary>True while any TLS-ALPN-01 challenge is pending (lets the TLS path skip the lookup otherwise).</summary>
    public bool HasTlsAlpn01 => !_tlsAlpn01.IsEmpty;
}
