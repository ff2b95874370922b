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
        var rsaNull = false;
        if (oid == Ec && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            curve = algorithm.ReadObjectIdentifier();
        }
        else if (oid == Rsa && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.Null))
        {
            algorithm.ReadNull();
            rsaNull = true;
        }
        else if (algorithm.HasData)
        {
            algorithm.ReadEncodedValue();
            oid = "other:" + oid; // parameters the key match does not read (explicit curve, RSA without NULL)
        }

        algorithm.ThrowIfNotEmpty();
        if (oid == Rsa && !rsaNull)
        {
            oid = "other:" + oid;
        }

        var key = spki.ReadBitString(out var unusedBits);
        spki.ThrowIfNotEmpty();
        return new SubjectPublicKey(unusedBits == 0 ? oid : "other:" + oid, curve, key);
    }
}
