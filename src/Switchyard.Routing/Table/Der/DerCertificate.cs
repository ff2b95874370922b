using System.Collections.Immutable;
using System.Formats.Asn1;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// One X.509 certificate read with strict DER rules (RFC 5280's Certificate, TBSCertificate and the extensions the
/// TLS stack looks into), in managed code so reading a Secret does not load OpenSSL. <see cref="TryRead"/> answers
/// null for anything it is not sure OpenSSL reads the same way (another version, unique ids, a malformed or
/// duplicated extension, a SAN with a name form it does not read): the caller then asks OpenSSL, so the answer
/// (and the error) for such input stays OpenSSL's.
/// </summary>
internal sealed record DerCertificate(string SerialNumber, DateTimeOffset NotAfter, string? CommonName, ImmutableArray<string> SanDnsNames,
    SubjectPublicKey PublicKey, bool KeyAgreementUsage)
{
    private const string SubjectAltName = "2.5.29.17";
    private const string KeyUsage = "2.5.29.15";
    private const string BasicConstraints = "2.5.29.19";
    private const string ExtendedKeyUsage = "2.5.29.37";
    private const string SubjectKeyIdentifier = "2.5.29.14";
    private const string AuthorityKeyIdentifier = "2.5.29.35";

    // Extensions OpenSSL decodes when it caches a certificate's extensions (a malformed one makes the certificate
    // invalid there) and that are not read below: with one of these the managed reader defers to OpenSSL.
    private static readonly HashSet<string> DecodedByOpenSsl = new(StringComparer.Ordinal)
    {
        "2.5.29.30", // nameConstraints
        "2.5.29.31", // cRLDistributionPoints
        "2.5.29.36", // policyConstraints
        "2.5.29.18", // issuerAltName
        "2.5.29.46", // freshestCRL
        "2.5.29.54", // inhibitAnyPolicy
        "1.3.6.1.5.5.7.1.7", // ipAddrBlocks (RFC 3779)
        "1.3.6.1.5.5.7.1.8", // autonomousSysIds (RFC 3779)
        "1.3.6.1.5.5.7.1.14", // proxyCertInfo
        "2.16.840.1.113730.1.1", // netscape-cert-type
    };

    /// <summary>The certificate's fields, or null when the managed reading is not sure (see the type).</summary>
    public static DerCertificate? TryRead(ReadOnlyMemory<byte> der)
    {
        try
        {
            return Read(der);
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException or FormatException or ArithmeticException)
        {
            return null;
        }
    }

    private static DerCertificate? Read(ReadOnlyMemory<byte> der)
    {
        var certificate = DerSequence.Read(der);
        var tbs = certificate.ReadSequence();
        ReadAlgorithm(certificate);
        certificate.ReadBitString(out _);
        certificate.ThrowIfNotEmpty();

        var version = 0;
        var explicitVersion = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag().HasSameClassAndValue(explicitVersion))
        {
            var versionReader = tbs.ReadSequence(explicitVersion);
            if (!versionReader.TryReadInt32(out version) || version is not (1 or 2))
            {
                return null; // v1 is the default and so never written in DER
            }

            versionReader.ThrowIfNotEmpty();
        }

        var serial = tbs.ReadIntegerBytes();
        ReadAlgorithm(tbs);
        ReadName(tbs);
        var validity = tbs.ReadSequence();
        ReadTime(validity);
        var notAfter = ReadTime(validity);
        validity.ThrowIfNotEmpty();
        var commonName = ReadName(tbs);
        var publicKey = SubjectPublicKey.Read(tbs.ReadSequence());

        var sans = ImmutableArray<string>.Empty;
        var keyAgreement = false;
        if (tbs.HasData)
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            if (version != 2 || !tbs.PeekTag().HasSameClassAndValue(extensionsTag))
            {
                return null; // unique ids, or extensions in a v1/v2 certificate
            }

            var extensions = tbs.ReadSequence(extensionsTag);
            var list = extensions.ReadSequence();
            extensions.ThrowIfNotEmpty();
            tbs.ThrowIfNotEmpty();
            if (!ReadExtensions(list, ref sans, ref keyAgreement))
            {
                return null;
            }
        }

        return new DerCertificate(Convert.ToHexString(serial.Span), notAfter, commonName, sans, publicKey, keyAgreement);
    }

    private static bool ReadExtensions(AsnReader list, ref ImmutableArray<string> sans, ref bool keyAgreement)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (list.HasData)
        {
            var extension = list.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            {
                extension.ReadBoolean();
            }

            var value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (!seen.Add(oid) || DecodedByOpenSsl.Contains(oid))
            {
                return false;
            }

            var reader = new AsnReader(value, AsnEncodingRules.DER);
            switch (oid)
            {
                case SubjectAltName:
                    if (SanNames.TryReadDnsNames(reader.ReadSequence()) is not { } names)
                    {
                        return false;
                    }

                    sans = names;
                    break;
                case KeyUsage:
                    // keyAgreement (bit 4): the framework may take an EC key as ECDH; leave that case to it.
                    var bits = reader.ReadBitString(out _);
                    keyAgreement = bits.Length > 0 && (bits[0] & 0x08) != 0;
                    break;
                case BasicConstraints:
                    var constraints = reader.ReadSequence();
                    if (constraints.HasData && constraints.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        constraints.ReadBoolean();
                    }

                    if (constraints.HasData && (!constraints.TryReadInt32(out var pathLength) || pathLength < 0))
                    {
                        return false;
                    }

                    constraints.ThrowIfNotEmpty();
                    break;
                case ExtendedKeyUsage:
                    var purposes = reader.ReadSequence();
                    do
                    {
                        purposes.ReadObjectIdentifier();
                    }
                    while (purposes.HasData);
                    break;
                case SubjectKeyIdentifier:
                    reader.ReadOctetString();
                    break;
                case AuthorityKeyIdentifier:
                    var aki = reader.ReadSequence();
                    var keyId = new Asn1Tag(TagClass.ContextSpecific, 0);
                    if (aki.HasData && aki.PeekTag().HasSameClassAndValue(keyId))
                    {
                        aki.ReadOctetString(keyId);
                    }

                    if (aki.HasData)
                    {
                        return false; // authorityCertIssuer / serial: rare, left to OpenSSL
                    }

                    break;
                default:
                    reader.ReadEncodedValue(); // any other extension: one well-formed DER value
                    break;
            }

            reader.ThrowIfNotEmpty();
        }

        return seen.Count > 0;
    }

    private static void ReadAlgorithm(AsnReader reader)
    {
        var algorithm = reader.ReadSequence();
        algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            // The signature algorithms of RSA (PKCS#1 v1.5) and ECDSA certificates have a NULL or no parameter. Other
            // parameters (RSA-PSS's, or a mangled value the framework then refuses: ManagedPemReadingTests' mutated
            // material) throw, so OpenSSL reads the material.
            algorithm.ReadNull();
        }

        algorithm.ThrowIfNotEmpty();
    }

    /// <summary>RFC 5280 Time: UTCTime (years 1950–2049) or GeneralizedTime, whole seconds.</summary>
    private static DateTimeOffset ReadTime(AsnReader reader)
    {
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime))
        {
            return reader.ReadUtcTime(twoDigitYearMax: 2049);
        }

        var time = reader.ReadGeneralizedTime();
        return time.Ticks % TimeSpan.TicksPerSecond == 0 ? time : throw new AsnContentException("fractional seconds: left to OpenSSL");
    }

    /// <summary>
    /// Reads a Name; returns its common name when it has exactly one, in a single-valued RDN, of printable ASCII
    /// (what the framework's simple name is then, whichever platform reads it), else null.
    /// </summary>
    private static string? ReadName(AsnReader reader)
    {
        var name = reader.ReadSequence();
        string? commonName = null;
        var commonNames = 0;
        var plain = true;
        while (name.HasData)
        {
            var rdn = name.ReadSetOf();
            var attributes = 0;
            while (rdn.HasData)
            {
                attributes++;
                var attribute = rdn.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                if (type == "2.5.4.3")
                {
                    commonNames++;
                    commonName = PrintableText(attribute);
                }
                else
                {
                    DirectoryString(attribute);
                }

                attribute.ThrowIfNotEmpty();
            }

            plain &= attributes == 1;
        }

        return plain && commonNames == 1 ? commonName : null;
    }

    /// <summary>
    /// An attribute value as the framework decodes names (issuer and subject): a string of one of the types it reads.
    /// Anything else — another tag, text that does not decode — throws, so the material goes to OpenSSL's reading and
    /// its error ("ASN1 corrupted data" for a mangled string tag, found by ManagedPemReadingTests' mutated material).
    /// </summary>
    private static string DirectoryString(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        var encoding = (UniversalTagNumber)tag.TagValue;
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed
            || encoding is not (UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.BMPString or UniversalTagNumber.T61String))
        {
            throw new AsnContentException("not a directory string the managed reading is sure of");
        }

        return attribute.ReadCharacterString(encoding);
    }

    private static string? PrintableText(AsnReader attribute)
    {
        var text = DirectoryString(attribute);
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return null;
            }
        }

        return text;
    }
}
