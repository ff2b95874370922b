using Org.BouncyCastle.Crypto.Digests;

namespace Switchyard.Model;

/// <summary>
/// SHA-256 in managed code (BouncyCastle's <see cref="Sha256Digest"/>), for the hashes that name and compare
/// configuration: Traefik's router names (sha256 of the rule), service ids, the table fingerprint, secret digests,
/// the folder source's file hashes. Not a security primitive here.
/// </summary>
/// <remarks>
/// The framework's <c>System.Security.Cryptography.SHA256</c> calls OpenSSL on Linux, and its first use loads and
/// initialises libssl and libcrypto: ~4 MB of RSS mapped for a gateway that serves cleartext (h2c) only, whose
/// compile path was the only thing that touched OpenSSL (docs/performance-log.md, 2026-12-07 15:50, issue 21 item 2).
/// A gateway terminating TLS loads OpenSSL at its first handshake as before. Configuration hashing is a few KB per
/// table, so the managed speed costs nothing measurable.
/// </remarks>
public sealed class Sha256
{
    /// <summary>The digest's length in bytes.</summary>
    public const int HashSizeInBytes = 32;

    private readonly Sha256Digest _digest = new();

    /// <summary>SHA-256 of <paramref name="source"/> into <paramref name="destination"/> (32 bytes).</summary>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashSizeInBytes, nameof(destination));
        var digest = new Sha256Digest();
        digest.BlockUpdate(source);
        digest.DoFinal(destination);
    }

    /// <summary>SHA-256 of <paramref name="source"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> source)
    {
        var hash = new byte[HashSizeInBytes];
        HashData(source, hash);
        return hash;
    }

    /// <summary>Adds <paramref name="data"/> to the message being hashed.</summary>
    public void Append(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

    /// <summary>The digest of everything appended since the last call (or construction); starts a new message.</summary>
    public byte[] GetHashAndReset()
    {
        var hash = new byte[HashSizeInBytes];
        _digest.DoFinal(hash); // DoFinal resets the digest
        return hash;
    }
}
