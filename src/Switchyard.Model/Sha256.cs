using System.Buffers.Binary;
using System.Numerics;

namespace Switchyard.Model;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for the hashes that name and compare configuration: Traefik's router names
/// (sha256 of the rule), the table fingerprint, the folder source's file hashes. Not a security primitive here.
/// </summary>
/// <remarks>
/// The framework's <c>System.Security.Cryptography.SHA256</c> calls OpenSSL on Linux, and its first use loads and
/// initialises libssl and libcrypto: ~4 MB of RSS mapped for a gateway that serves cleartext (h2c) only, whose
/// compile path was the only thing that touched OpenSSL (README "Performance", 2026-12-07 15:50, issue 21 item 2).
/// A gateway terminating TLS loads OpenSSL at its first handshake as before. Configuration hashing is a few KB per
/// table, so the managed speed (~200 MB/s) costs nothing measurable.
/// </remarks>
public sealed class Sha256
{
    /// <summary>The digest's length in bytes.</summary>
    public const int HashSizeInBytes = 32;

    private readonly uint[] _state = new uint[8];
    private readonly byte[] _block = new byte[64];
    private readonly uint[] _schedule = new uint[64];
    private int _blockLength;
    private long _length;

    public Sha256() => Reset();

    /// <summary>SHA-256 of <paramref name="source"/> into <paramref name="destination"/> (32 bytes).</summary>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var sha = new Sha256();
        sha.Append(source);
        sha.Finish(destination);
    }

    /// <summary>SHA-256 of <paramref name="source"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> source)
    {
        var digest = new byte[HashSizeInBytes];
        HashData(source, digest);
        return digest;
    }

    /// <summary>Feeds more bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_blockLength > 0)
        {
            var take = Math.Min(64 - _blockLength, data.Length);
            data[..take].CopyTo(_block.AsSpan(_blockLength));
            _blockLength += take;
            data = data[take..];
            if (_blockLength < 64)
            {
                return;
            }

            Compress(_block);
            _blockLength = 0;
        }

        while (data.Length >= 64)
        {
            Compress(data[..64]);
            data = data[64..];
        }

        data.CopyTo(_block);
        _blockLength = data.Length;
    }

    /// <summary>The digest of everything appended since the last reset; starts over.</summary>
    public byte[] GetHashAndReset()
    {
        var digest = new byte[HashSizeInBytes];
        Finish(digest);
        return digest;
    }

    private void Finish(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashSizeInBytes, nameof(destination));
        var bits = (ulong)_length * 8;
        // Padding: 0x80, zeros up to 56 bytes into a block, then the message length in bits (big-endian).
        _block[_blockLength++] = 0x80;
        if (_blockLength > 56)
        {
            _block.AsSpan(_blockLength).Clear();
            Compress(_block);
            _blockLength = 0;
        }

        _block.AsSpan(_blockLength, 56 - _blockLength).Clear();
        BinaryPrimitives.WriteUInt64BigEndian(_block.AsSpan(56), bits);
        Compress(_block);
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], _state[i]);
        }

        Reset();
    }

    private void Reset()
    {
        _state[0] = 0x6a09e667;
        _state[1] = 0xbb67ae85;
        _state[2] = 0x3c6ef372;
        _state[3] = 0xa54ff53a;
        _state[4] = 0x510e527f;
        _state[5] = 0x9b05688c;
        _state[6] = 0x1f83d9ab;
        _state[7] = 0x5be0cd19;
        _blockLength = 0;
        _length = 0;
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        var w = _schedule;
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        for (var i = 16; i < 64; i++)
        {
            var s0 = BitOperations.RotateRight(w[i - 15], 7) ^ BitOperations.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[i - 2], 17) ^ BitOperations.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = unchecked(w[i - 16] + s0 + w[i - 7] + s1);
        }

        uint a = _state[0], b = _state[1], c = _state[2], d = _state[3], e = _state[4], f = _state[5], g = _state[6], h = _state[7];
        var k = RoundConstants;
        for (var i = 0; i < 64; i++)
        {
            var s1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var ch = (e & f) ^ (~e & g);
            var t1 = unchecked(h + s1 + ch + k[i] + w[i]);
            var s0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var maj = (a & b) ^ (a & c) ^ (b & c);
            h = g;
            g = f;
            f = e;
            e = unchecked(d + t1);
            d = c;
            c = b;
            b = a;
            a = unchecked(t1 + s0 + maj);
        }

        unchecked
        {
            _state[0] += a;
            _state[1] += b;
            _state[2] += c;
            _state[3] += d;
            _state[4] += e;
            _state[5] += f;
            _state[6] += g;
            _state[7] += h;
        }
    }

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
}
