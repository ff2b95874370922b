using System.Globalization;
using System.Numerics;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// The NIST prime curves P-256, P-384 and P-521 (y² = x³ − 3x + b over GF(p)) with just what the key check needs:
/// d·G, in Jacobian coordinates over <see cref="BigInteger"/>. Written here on purpose: the framework's EC classes are
/// OpenSSL, and BouncyCastle's EC code reached OpenSSL too at its first use (strace: libssl opened by the compile,
/// right after System.Security.Cryptography.Algorithms, which BouncyCastle references for its random source). Not
/// constant-time: it checks a key the compiler already holds and signs nothing.
/// </summary>
internal sealed class NistCurve
{
    // From `openssl ecparam -name <curve> -param_enc explicit -text -noout` (SEC 2 / FIPS 186-4 values).
    public static readonly NistCurve P256 = new(
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        32);

    public static readonly NistCurve P384 = new(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        48);

    public static readonly NistCurve P521 = new(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
        "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
        66);

    private readonly BigInteger _p;
    private readonly BigInteger _gx;
    private readonly BigInteger _gy;

    private NistCurve(string p, string n, string gx, string gy, int size)
    {
        _p = Hex(p);
        Order = Hex(n);
        _gx = Hex(gx);
        _gy = Hex(gy);
        Size = size;
    }

    /// <summary>The group order n.</summary>
    public BigInteger Order { get; }

    /// <summary>A coordinate's (and a private scalar's) length in bytes.</summary>
    public int Size { get; }

    /// <summary>d·G as an uncompressed point (0x04 ‖ X ‖ Y); d in [1, n−1].</summary>
    public byte[] MultiplyBase(BigInteger d)
    {
        // Left-to-right double-and-add; the running point is Jacobian (X, Y, Z), infinity when Z = 0.
        (BigInteger X, BigInteger Y, BigInteger Z) r = (0, 1, 0);
        for (var bit = (int)d.GetBitLength() - 1; bit >= 0; bit--)
        {
            r = Double(r);
            if (!(d >> bit).IsEven)
            {
                r = AddBase(r);
            }
        }

        var zInverse = BigInteger.ModPow(r.Z, _p - 2, _p);
        var z2 = Mod(zInverse * zInverse);
        var point = new byte[1 + (2 * Size)];
        point[0] = 0x04;
        Write(Mod(r.X * z2), point.AsSpan(1, Size));
        Write(Mod(r.Y * z2 * zInverse), point.AsSpan(1 + Size, Size));
        return point;
    }

    /// <summary>Big-endian, left-padded with zeros to the destination's length.</summary>
    private static void Write(BigInteger value, Span<byte> destination)
    {
        var length = value.IsZero ? 0 : value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(destination[(destination.Length - length)..], out _, isUnsigned: true, isBigEndian: true);
    }

    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private BigInteger Mod(BigInteger value)
    {
        var m = value % _p;
        return m.Sign < 0 ? m + _p : m;
    }

    // dbl-2001-b (a = −3).
    private (BigInteger, BigInteger, BigInteger) Double((BigInteger X, BigInteger Y, BigInteger Z) q)
    {
        if (q.Z.IsZero || q.Y.IsZero)
        {
            return (0, 1, 0);
        }

        var delta = Mod(q.Z * q.Z);
        var gamma = Mod(q.Y * q.Y);
        var beta = Mod(q.X * gamma);
        var alpha = Mod(3 * (q.X - delta) * (q.X + delta));
        var x3 = Mod((alpha * alpha) - (8 * beta));
        var z3 = Mod(((q.Y + q.Z) * (q.Y + q.Z)) - gamma - delta);
        var y3 = Mod((alpha * ((4 * beta) - x3)) - (8 * gamma * gamma));
        return (x3, y3, z3);
    }

    // Jacobian + the affine base point G (madd).
    private (BigInteger, BigInteger, BigInteger) AddBase((BigInteger X, BigInteger Y, BigInteger Z) q)
    {
        if (q.Z.IsZero)
        {
            return (_gx, _gy, 1);
        }

        var z1z1 = Mod(q.Z * q.Z);
        var u2 = Mod(_gx * z1z1);
        var s2 = Mod(_gy * q.Z * z1z1);
        var h = Mod(u2 - q.X);
        var r = Mod(s2 - q.Y);
        if (h.IsZero)
        {
            return r.IsZero ? Double(q) : (0, 1, 0);
        }

        var hh = Mod(h * h);
        var hhh = Mod(h * hh);
        var v = Mod(q.X * hh);
        var x3 = Mod((r * r) - hhh - (2 * v));
        var y3 = Mod((r * (v - x3)) - (q.Y * hhh));
        var z3 = Mod(q.Z * h);
        return (x3, y3, z3);
    }
}
