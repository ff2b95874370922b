using System.Net.Security;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Acme;

/// <summary>How the entry points answer pending challenges from an <see cref="AcmeChallengeStore"/>.</summary>
public static class AcmeChallengeResponder
{
    private static readonly SslApplicationProtocol AcmeTls = new(AcmeChallengeStore.AcmeTlsAlpnProtocol);

    /// <summary>
    /// HTTP-01 (RFC 8555 §8.3): answers GET /.well-known/acme-challenge/{token} with the key authorization.
    /// Runs before any router, so even a catch-all route cannot shadow it. False ⇒ not a pending challenge.
    /// </summary>
    public static bool TryAnswerHttp01(HttpContext context, AcmeChallengeStore store, out Task answer)
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(AcmeChallengeStore.Http01PathPrefix, StringComparison.Ordinal) ||
            !store.TryGetHttp01(path[AcmeChallengeStore.Http01PathPrefix.Length..], out var keyAuthorization))
        {
            answer = Task.CompletedTask;
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        answer = context.Response.WriteAsync(keyAuthorization);
        return true;
    }

    /// <summary>
    /// TLS-ALPN-01 (RFC 8737): when a TLS-ALPN-01 challenge for the SNI is pending, the handshake presents the
    /// challenge certificate and offers only "acme-tls/1". Returns null when nothing is pending for that name.
    /// The caller decides that the client offered acme-tls/1 (validation servers offer only that protocol).
    /// </summary>
    public static SslServerAuthenticationOptions? TlsAlpn01Options(string? serverName, AcmeChallengeStore store)
    {
        if (!store.HasTlsAlpn01 || serverName is null || !store.TryGetTlsAlpn01(serverName, out var cert))
        {
            return null;
        }

        return new SslServerAuthenticationOptions
        {
            ServerCertificate = cert,
            ApplicationProtocols = new List<SslApplicationProtocol> { AcmeTls },
        };
    }
}
