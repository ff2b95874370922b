using System.Collections.Concurrent;
using System.Text;
using Switchyard.Model;

namespace Switchyard.Routing.Table;

/// <summary>
/// The parsed form of PEM text (<see cref="ParsedPem"/>), kept by content (SHA-256 of the certificate and key text)
/// so a recompile with unchanged Secrets reads nothing again and shares the X.509 objects once made (a PKCS#12 round
/// trip per key pair). Bounded: past <see cref="Capacity"/> entries the cache starts over; the parsed objects stay
/// valid for whoever holds them (they are shared and never disposed, see <see cref="PemCertificate"/>). A failed
/// parse is not cached. The managed <see cref="Sha256"/>: keying must not load OpenSSL.
/// </summary>
internal static class ParsedByContent
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, ParsedPem> Cache = new(StringComparer.Ordinal);

    public static ParsedPem Get(string certificatePem, string? keyPem)
    {
        var key = Key(certificatePem, keyPem);
        if (Cache.TryGetValue(key, out var parsed))
        {
            return parsed;
        }

        parsed = ParsedPem.Read(certificatePem, keyPem);
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, parsed);
    }

    private static string Key(string certificatePem, string? keyPem)
    {
        var sha = new Sha256();
        sha.Append(Encoding.UTF8.GetBytes(certificatePem));
        // The key's presence is part of the content: with and without a key parse to different objects.
        sha.Append(keyPem is null ? [0] : [1]);
        if (keyPem is not null)
        {
            sha.Append(Encoding.UTF8.GetBytes(keyPem));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
