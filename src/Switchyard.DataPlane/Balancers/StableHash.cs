namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// Small, allocation-free, process-independent hashes (FNV-1a 64 plus a SplitMix64 finaliser). Used where a
/// value must be the same on every gateway replica and after a restart (hrw scores, sticky cookie values),
/// which rules out string.GetHashCode.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Fnv1a(ReadOnlySpan<byte> data, ulong seed = FnvOffset)
    {
        var h = seed;
        foreach (var b in data)
        {
            h ^= b;
            h *= FnvPrime;
        }

        return h;
    }

    public static ulong Fnv1a(string text)
    {
        var h = FnvOffset;
        foreach (var c in text)
        {
            // Both bytes of the UTF-16 unit, so non-ASCII characters still spread.
            h ^= (byte)c;
            h *= FnvPrime;
            h ^= (byte)(c >> 8);
            h *= FnvPrime;
        }

        return h;
    }

    /// <summary>SplitMix64 finaliser: turns FNV's weak low bits into a well mixed 64-bit value.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }

    /// <summary>16 lower-case hex digits: the opaque form used in sticky cookies (no internal IP leaks to clients).</summary>
    public static string Hex(ulong value) => value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
