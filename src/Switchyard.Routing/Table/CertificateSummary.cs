using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.Routing.Table;

/// <summary>
/// What the compiler and the metrics read from a PEM's first certificate: the names it serves (its SAN DNS names,
/// lower-cased and sorted; its CN when it has none), its simple name (the CN, as the tls cert metric's cn label),
/// serial number (upper-case hex, big-endian) and expiry. Read without OpenSSL when the managed reader can
/// (<see cref="Der.ManagedPemReader"/>), else from the <see cref="X509Certificate2"/>; both give the same values.
/// </summary>
public sealed record CertificateSummary(ImmutableArray<string> DnsNames, string SimpleName, string SerialNumber, DateTimeOffset NotAfter)
{
    /// <summary>The names a certificate serves: its SAN DNS names, else its simple name (Traefik's and Go's CN fallback).</summary>
    internal static ImmutableArray<string> ServedNames(IEnumerable<string> sanDnsNames, string simpleName)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var dns in sanDnsNames)
        {
            names.Add(dns.ToLowerInvariant());
        }

        if (names.Count == 0 && simpleName.Length > 0)
        {
            names.Add(simpleName.ToLowerInvariant());
        }

        return [.. names];
    }

    /// <summary>The OpenSSL-backed reading (the path for material the managed reader is not sure of).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A malformed subject alternative name.</exception>
    public static CertificateSummary FromX509(X509Certificate2 cert)
    {
        var sans = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                sans.AddRange(san.EnumerateDnsNames());
            }
        }

        var simpleName = cert.GetNameInfo(X509NameType.SimpleName, false) ?? "";
        return new CertificateSummary(ServedNames(sans, simpleName), simpleName, cert.SerialNumber, new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
    }

    public bool Equals(CertificateSummary? other) =>
        other is not null && DnsNames.SequenceEqual(other.DnsNames) && SimpleName == other.SimpleName
        && SerialNumber == other.SerialNumber && NotAfter == other.NotAfter;

    public override int GetHashCode() => HashCode.Combine(SimpleName, SerialNumber, NotAfter);
}
