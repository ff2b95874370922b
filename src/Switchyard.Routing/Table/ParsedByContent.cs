using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Switchyard.Routing.Table;

/// <summary>
/// The parsed certificates of PEM text, kept by content (SHA-256 of the certificate and key text) so a recompile with
/// unchanged Secrets does not import every certificate again (a PKCS#12 round trip per key pair). Bounded: past
/// <see cref="Capacity"/> entries the cache starts over; the parsed objects stay valid for whoever holds them (they
/// are shared and never disposed, see <see cref="PemCertificate"/>). A failed parse is not cached.
/// </summary>
internal static class ParsedByContent
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, (ImmutableArray<X509Certificate2>, X509Certificate2)> Cache = new(StringComparer.Ordinal);

    public static (ImmutableArray<X509Certificate2> Certificates, X509Certificate2 Certificate) Get(string certificatePem, string? keyPem)
    {
        var key = Key(certificatePem, keyPem);
        if (Cache.TryGetValue(key, out var parsed))
        {
            return parsed;
        }

        parsed = PemCertificate.ParseCore(certificatePem, keyPem);
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, parsed);
    }

    private static string Key(string certificatePem, string? keyPem)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(certificatePem));
        // The key's presence is part of the content: with and without a key parse to different objects.
        sha.AppendData(keyPem is null ? [0] : [1]);
        if (keyPem is not null)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(keyPem));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
