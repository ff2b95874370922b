using System.Collections.Immutable;
using System.Formats.Asn1;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// The dNSName entries of a subjectAltName's GeneralNames. Reads the forms certificates for TLS servers carry
/// (dNSName, rfc822Name, URI, iPAddress, registeredID) and answers null for the others (otherName, x400Address,
/// directoryName, ediPartyName) so that such a certificate is read by OpenSSL, as before.
/// </summary>
internal static class SanNames
{
    public static ImmutableArray<string>? TryReadDnsNames(AsnReader names)
    {
        var dns = ImmutableArray.CreateBuilder<string>();
        var any = false;
        while (names.HasData)
        {
            any = true;
            var tag = names.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific || tag.IsConstructed)
            {
                return null;
            }

            switch (tag.TagValue)
            {
                case 1: // rfc822Name
                case 6: // uniformResourceIdentifier
                    names.ReadCharacterString(UniversalTagNumber.IA5String, tag);
                    break;
                case 2: // dNSName
                    dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                    break;
                case 7: // iPAddress
                    if (names.ReadOctetString(tag).Length is not (4 or 16))
                    {
                        return null;
                    }

                    break;
                case 8: // registeredID
                    names.ReadObjectIdentifier(tag);
                    break;
                default:
                    return null;
            }
        }

        return any ? dns.ToImmutable() : null;
    }
}
