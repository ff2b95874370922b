namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// HPACK fields as the upstream writes them (ForwardedRequestHeaders builds the block): raw literals without indexing
/// (RFC 7541 6.2.2), no dynamic table and no Huffman on the way out: cheaper to produce, and a backend decodes them at no
/// extra cost. Each writer returns false when <c>dst</c> is too small.
/// </summary>
internal static class HpackLiterals
{
    private static bool Need(Span<byte> dst, int p, int n) => dst.Length - p >= n;

    // Literal without indexing, indexed name (4-bit prefix).
    internal static bool Literal(Span<byte> dst, ref int p, int nameIndex, string value)
    {
        if (!Need(dst, p, 1))
        {
            return false;
        }

        dst[p++] = (byte)nameIndex;
        return String(dst, ref p, value, false);
    }

    // Literal without indexing, new name.
    internal static bool Field(Span<byte> dst, ref int p, string name, string value)
    {
        if (!Need(dst, p, 1))
        {
            return false;
        }

        dst[p++] = 0;
        return String(dst, ref p, name, true) && String(dst, ref p, value, false);
    }

    private static bool String(Span<byte> dst, ref int p, string s, bool lower)
    {
        if (!Need(dst, p, s.Length + 5))
        {
            return false;
        }

        // Length with a 7-bit prefix, H = 0 (raw).
        var len = s.Length;
        if (len < 127)
        {
            dst[p++] = (byte)len;
        }
        else
        {
            dst[p++] = 127;
            len -= 127;
            while (len >= 128)
            {
                dst[p++] = (byte)((len & 0x7F) | 0x80);
                len >>= 7;
            }

            dst[p++] = (byte)len;
        }

        foreach (var c in s)
        {
            dst[p++] = lower && c is >= 'A' and <= 'Z' ? (byte)(c | 0x20) : (byte)c;
        }

        return true;
    }
}
