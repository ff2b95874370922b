using System.Formats.Asn1;
using System.Security.Cryptography;
using BigInteger = System.Numerics.BigInteger;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// Whether a PEM private key is the key of a certificate, read in managed code for the forms Secrets hold: RSA
/// (PKCS#1 "RSA PRIVATE KEY", PKCS#8 "PRIVATE KEY") and EC on P-256/384/521 (SEC1 "EC PRIVATE KEY", PKCS#8) with
/// the public point written in the key, as OpenSSL and the framework write it. "True" means sure: the key is
/// well-formed and consistent (RSA: n = p·q and the exponents agree; EC: the point is d·G) and its public half is
/// the certificate's. "False" means not sure (any other form, a mismatch, anything malformed): the caller asks
/// OpenSSL, which gives today's answer and message.
/// </summary>
internal static class PrivateKeyMatch
{
    // The labels the framework's X509Certificate2.CreateFromPem and its key importers look at. Exactly one such
    // block is read here, so which of several the framework would take never matters.
    private static readonly HashSet<string> KeyLabels = new(StringComparer.Ordinal)
    {
        "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY",
    };

    private static readonly Dictionary<string, NistCurve> Curves = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = NistCurve.P256,
        ["1.3.132.0.34"] = NistCurve.P384,
        ["1.3.132.0.35"] = NistCurve.P521,
    };

    public static bool IsKeyOf(SubjectPublicKey publicKey, string keyPem)
    {
        try
        {
            var keys = PemBlocks.Read(keyPem).Where(b => KeyLabels.Contains(b.Label)).ToList();
            if (keys.Count != 1)
            {
                return false;
            }

            var (label, der) = keys[0];
            return (label, publicKey.Algorithm) switch
            {
                ("RSA PRIVATE KEY", SubjectPublicKey.Rsa) => RsaKeyMatches(publicKey, der),
                ("EC PRIVATE KEY", SubjectPublicKey.Ec) => EcKeyMatches(publicKey, der, algorithmCurve: null),
                ("PRIVATE KEY", _) => Pkcs8Matches(publicKey, der),
                _ => false,
            };
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException or FormatException or ArithmeticException or InvalidOperationException or CryptographicException)
        {
            return false;
        }
    }

    private static bool Pkcs8Matches(SubjectPublicKey publicKey, ReadOnlyMemory<byte> der)
    {
        var info = DerSequence.Read(der);
        if (!info.TryReadInt32(out var version) || version != 0)
        {
            return false;
        }

        var algorithm = info.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        string? curve = null;
        if (oid == SubjectPublicKey.Rsa)
        {
            algorithm.ReadNull();
        }
        else if (oid == SubjectPublicKey.Ec)
        {
            curve = algorithm.ReadObjectIdentifier();
        }
        else
        {
            return false;
        }

        algorithm.ThrowIfNotEmpty();
        var key = info.ReadOctetString();
        info.ThrowIfNotEmpty(); // attributes, or a v2 public key: left to the framework
        return oid == publicKey.Algorithm && (oid == SubjectPublicKey.Rsa ? RsaKeyMatches(publicKey, key) : EcKeyMatches(publicKey, key, curve));
    }

    /// <summary>RFC 8017 RSAPrivateKey (two primes) against the certificate's RSAPublicKey.</summary>
    private static bool RsaKeyMatches(SubjectPublicKey publicKey, ReadOnlyMemory<byte> der)
    {
        var rsaPublic = DerSequence.Read(publicKey.Key);
        var certModulus = rsaPublic.ReadIntegerBytes();
        var certExponent = rsaPublic.ReadIntegerBytes();
        rsaPublic.ThrowIfNotEmpty();

        var key = DerSequence.Read(der);
        if (!key.TryReadInt32(out var version) || version != 0)
        {
            return false; // multi-prime
        }

        var fields = new ReadOnlyMemory<byte>[8]; // n e d p q dp dq qinv
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = key.ReadIntegerBytes();
            if ((fields[i].Span[0] & 0x80) != 0)
            {
                return false; // negative
            }
        }

        key.ThrowIfNotEmpty();
        if (!fields[0].Span.SequenceEqual(certModulus.Span) || !fields[1].Span.SequenceEqual(certExponent.Span))
        {
            return false;
        }

        var v = Array.ConvertAll(fields, f => new BigInteger(f.Span, isUnsigned: true, isBigEndian: true));
        var (n, e, d, p, q, dp, dq, qinv) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        // The framework's import wants D no longer than n and the CRT values no longer than half of it.
        var modulusLength = (int)n.GetByteCount(isUnsigned: true);
        var half = (modulusLength + 1) / 2;
        if (n.GetBitLength() is < 1024 or > 16384 || p <= 1 || q <= 1 || d.GetByteCount(true) > modulusLength
            || new[] { p, q, dp, dq, qinv }.Any(x => x.IsZero || x.GetByteCount(true) > half))
        {
            return false;
        }

        var lambda = (p - 1) * (q - 1) / BigInteger.GreatestCommonDivisor(p - 1, q - 1);
        return p * q == n && e > 1 && (e * d) % lambda == 1 && d % (p - 1) == dp && d % (q - 1) == dq && (qinv * q) % p == 1;
    }

    /// <summary>RFC 5915 ECPrivateKey on a named curve, with its public point, against the certificate's point.</summary>
    private static bool EcKeyMatches(SubjectPublicKey publicKey, ReadOnlyMemory<byte> der, string? algorithmCurve)
    {
        var key = DerSequence.Read(der);
        if (!key.TryReadInt32(out var version) || version != 1)
        {
            return false;
        }

        var scalar = key.ReadOctetString();
        var curve = algorithmCurve;
        var parametersTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (key.HasData && key.PeekTag().HasSameClassAndValue(parametersTag))
        {
            var parameters = key.ReadSequence(parametersTag);
            var named = parameters.ReadObjectIdentifier();
            parameters.ThrowIfNotEmpty();
            if (curve is not null && curve != named)
            {
                return false;
            }

            curve = named;
        }

        var publicKeyTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (!key.HasData || !key.PeekTag().HasSameClassAndValue(publicKeyTag))
        {
            return false; // no public point: OpenSSL derives it
        }

        var publicReader = key.ReadSequence(publicKeyTag);
        var point = publicReader.ReadBitString(out var unusedBits);
        publicReader.ThrowIfNotEmpty();
        key.ThrowIfNotEmpty();

        if (curve is null || curve != publicKey.Curve || !Curves.TryGetValue(curve, out var nist) || unusedBits != 0
            || scalar.Length != nist.Size || point.Length != 1 + (2 * nist.Size) || point[0] != 0x04 || !point.AsSpan().SequenceEqual(publicKey.Key.Span))
        {
            return false;
        }

        // The point written in the key must be the key's: d in [1, n−1] and d·G = Q (what OpenSSL's key check does).
        var d = new BigInteger(scalar, isUnsigned: true, isBigEndian: true);
        return d.Sign > 0 && d < nist.Order && nist.MultiplyBase(d).AsSpan().SequenceEqual(point);
    }
}
