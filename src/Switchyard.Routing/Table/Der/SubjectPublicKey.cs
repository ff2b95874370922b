using System.Formats.Asn1;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// A certificate's SubjectPublicKeyInfo as the key match needs it: the algorithm, the named curve for EC keys, and
/// the key bits (RSAPublicKey DER for RSA, the encoded point for EC).
/// </summary>
internal sealed record SubjectPublicKey(string Algorithm, string? Curve, ReadOnlyMemory<byte> Key)
{
    public const string Rsa = "1.2.840.113549.1.1.1";
    public const string Ec = "1.2.840.10045.2.1";

    public static SubjectPublicKey Read(AsnReader spki)
    {
        var algorithm = spki.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        string? curve = null;
        // Known: an EC key on a named curve, an RSA key with its NULL parameter. Anything else (an explicit curve, RSA
        // without NULL, another algorithm) is "other:", which no key matches.
        var known = false;
        if (oid == Ec && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            curve = algorithm.ReadObjectIdentifier();
            known = true;
        }
        else if (oid == Rsa && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.Null))
        {
            algorithm.ReadNull();
            known = true;
        }
        else if (algorithm.HasData)
        {
            algorithm.ReadEncodedValue();
        }

        algorithm.ThrowIfNotEmpty();
        var key = spki.ReadBitString(out var unusedBits);
        spki.ThrowIfNotEmpty();
        return new SubjectPublicKey(known && unusedBits == 0 ? oid : "other:" + oid, curve, key);
    }
}
