using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// ServersTransportTCP peerCertSANs (Traefik pkg/tcp/dialer.go and pkg/tls/certificate.go VerifyPeerCertificate): the
/// chain must lead to the rootCAs (the system roots when none) even under insecureSkipVerify, and the certificate must
/// carry one of the SANs: a URI SAN equal to a URI entry (case-insensitive) or a DNS name matching a DNSName entry.
/// Without insecureSkipVerify the usual check of the name sent (serverName, else the server's host) applies too.
/// </summary>
internal static class PeerCertSans
{
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, ImmutableArray<PemCertificate> rootCas, bool insecureSkipVerify,
        ImmutableArray<PeerCertSanConfig> sans)
    {
        var roots = new X509Certificate2Collection();
        foreach (var pem in rootCas)
        {
            roots.AddRange(pem.Certificates.ToArray());
        }

        // The chain (and, unless insecureSkipVerify, the name sent) as for an HTTP ServersTransport.
        if (!BackendCertificateValidation.Validate(certificate, errors, roots, checkName: !insecureSkipVerify, serverName: null, peerUri: null))
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate!);
        var uris = BackendCertificateValidation.UriSans(leaf);
        foreach (var san in sans)
        {
            if (san.Uri
                    ? uris.Any(u => string.Equals(u, san.Value, StringComparison.OrdinalIgnoreCase))
                    : leaf.MatchesHostname(san.Value, allowWildcards: true, allowCommonName: false))
            {
                return true;
            }
        }

        return false;
    }
}
