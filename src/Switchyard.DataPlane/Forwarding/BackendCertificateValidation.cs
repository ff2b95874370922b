using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// How a backend's certificate is checked by a ServersTransport, as Traefik does (pkg/server/service/transport.go,
/// pkg/tls/certificate.go VerifyPeerCertificate): the chain must lead to the transport's rootCAs (the system roots when
/// none); the name is checked unless insecureSkipVerify; with peerCertURI the chain is verified even under
/// insecureSkipVerify, and the certificate must carry that URI SAN (case-insensitive).
/// </summary>
internal static class BackendCertificateValidation
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <param name="serverName">The transport's serverName: the name verified when set (SocketsHttpHandler sends the request's host as SNI and checks that).</param>
    /// <param name="sans">A BackendTLSPolicy's subjectAltNames (<c>DNS:</c>/<c>URI:</c>): one must be on the certificate, and the serverName is then not checked (the spec).</param>
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots, bool checkName, string? serverName, string? peerUri,
        IReadOnlyList<string>? sans = null)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        if (sans is not null)
        {
            if (!sans.Any(san => CarriesSan(leaf, san)))
            {
                return false;
            }
        }
        else if (checkName && (serverName is not null
                ? !leaf.MatchesHostname(serverName, allowWildcards: true, allowCommonName: false)
                : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0))
        {
            return false;
        }

        if (roots.Count > 0)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(leaf))
            {
                return false;
            }
        }
        else if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        return peerUri is null || UriSans(leaf).Any(u => string.Equals(u, peerUri, StringComparison.OrdinalIgnoreCase));
    }

    private static bool CarriesSan(X509Certificate2 leaf, string san)
    {
        if (san.StartsWith("URI:", StringComparison.Ordinal))
        {
            return UriSans(leaf).Any(u => string.Equals(u, san[4..], StringComparison.OrdinalIgnoreCase));
        }

        var name = san.StartsWith("DNS:", StringComparison.Ordinal) ? san[4..] : san;
        var dnsNames = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames());
        return dnsNames.Any(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)) ||
            (!name.StartsWith('*') && leaf.MatchesHostname(name, allowWildcards: true, allowCommonName: false));
    }

    /// <summary>The uniformResourceIdentifier entries ([6] IA5String) of the subjectAltName extension.</summary>
    public static IEnumerable<string> UriSans(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(UriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                // A malformed extension names no URI.
            }
        }

        return uris;
    }
}
