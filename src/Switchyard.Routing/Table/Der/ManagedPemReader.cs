namespace Switchyard.Routing.Table.Der;

/// <summary>
/// Reads PEM certificate material the way the compiler needs it, without OpenSSL: on Linux the framework's X.509
/// and key classes load libssl and libcrypto at first use (~7 MB of RSS held for the process's life: README
/// "Performance", 2026-12-07 18:50), which a gateway serving plain h2c, or one whose TLS clients have not come
/// yet, does not need. The X.509 objects are then made at their first use (<see cref="ParsedPem"/>).
/// </summary>
/// <remarks>
/// Only accepts what it is sure of: every CERTIFICATE block strictly well-formed (<see cref="DerCertificate"/>) and,
/// with a key, that key matching the first certificate (<see cref="PrivateKeyMatch"/>) whose subject has one plain
/// common name. Anything else returns null and is read by OpenSSL exactly as before, so what is accepted, what is
/// rejected and every message for bad material stay OpenSSL's.
/// </remarks>
internal static class ManagedPemReader
{
    /// <summary>The reading, or null when OpenSSL must read the material.</summary>
    /// <returns>The first certificate's summary (null without a key when its subject is not plain; nothing reads it then).</returns>
    public static Reading? TryRead(string certificatePem, string? keyPem)
    {
        DerCertificate? first = null;
        foreach (var (label, der) in PemBlocks.Read(certificatePem))
        {
            if (label != "CERTIFICATE")
            {
                continue;
            }

            if (DerCertificate.TryRead(der) is not { } certificate)
            {
                return null;
            }

            first ??= certificate;
        }

        if (first is null)
        {
            return null; // no certificate: OpenSSL's error
        }

        var summary = first.CommonName is { } cn
            ? new CertificateSummary(CertificateSummary.ServedNames(first.SanDnsNames, cn), cn, first.SerialNumber, first.NotAfter)
            : null;
        if (keyPem is null)
        {
            return new Reading(summary);
        }

        // An EC certificate for key agreement only may be loaded as ECDH by the framework: left to it.
        var sure = summary is not null && !(first.KeyAgreementUsage && first.PublicKey.Algorithm == SubjectPublicKey.Ec)
            && PrivateKeyMatch.IsKeyOf(first.PublicKey, keyPem);
        return sure ? new Reading(summary) : null;
    }

    internal sealed record Reading(CertificateSummary? Summary);
}
