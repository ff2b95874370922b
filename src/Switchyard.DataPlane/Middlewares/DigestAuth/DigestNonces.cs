using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.DataPlane.Middlewares.DigestAuth;

/// <summary>
/// Nonces for digestAuth: "timestamp.HMAC(timestamp)" under a key made once per middleware and kept in the swap
/// state, so a nonce stays valid across table swaps and on no other middleware. A nonce lives five minutes;
/// a nonce count (nc) must grow for each nonce (replays are refused). Lives in the swap state.
/// </summary>
public sealed class DigestNonces(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int MaxTracked = 10_000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public string Opaque { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Issue()
    {
        var stamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return stamp + "." + Sign(stamp);
    }

    /// <summary>Valid: ours and fresh. Stale: ours but expired (the client may retry with a new one, RFC 7616 stale=true).</summary>
    public (bool Valid, bool Stale) Check(string nonce)
    {
        var dot = nonce.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(nonce.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var millis))
        {
            return (false, false);
        }

        var expected = Encoding.ASCII.GetBytes(Sign(nonce[..dot]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(nonce[(dot + 1)..])))
        {
            return (false, false);
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(millis);
        return age > Lifetime || age < -Lifetime ? (false, true) : (true, false);
    }

    /// <summary>Accept a nonce count once: it must be larger than every count seen with this nonce.</summary>
    public bool AcceptCount(string nonce, long count)
    {
        if (_counts.Count > MaxTracked)
        {
            _counts.Clear(); // bounded memory; nonces are short-lived anyway
        }

        while (true)
        {
            if (!_counts.TryGetValue(nonce, out var last))
            {
                if (_counts.TryAdd(nonce, count))
                {
                    return true;
                }

                continue;
            }

            if (count <= last)
            {
                return false;
            }

            if (_counts.TryUpdate(nonce, count, last))
            {
                return true;
            }
        }
    }

    private string Sign(string stamp) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(stamp)))[..32];
}
