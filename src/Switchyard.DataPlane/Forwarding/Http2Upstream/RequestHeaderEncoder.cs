using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Encodes the downstream request's header block for the backend: indexed static entries for :method POST/GET and
/// :scheme http, every other field a raw literal without indexing (RFC 7541 6.2.2). No dynamic table and no Huffman
/// on the way out: cheaper to produce, and a backend decodes it at no extra cost.
/// </summary>
internal static class RequestHeaderEncoder
{
    /// <summary>Returns the block length, or -1 when <paramref name="dst"/> is too small.</summary>
    /// <param name="https">The connection is TLS: :scheme https (a backend rejects a :scheme that is not its transport's).</param>
    public static int Encode(HttpContext ctx, Span<byte> dst, bool https = false)
    {
        var p = 0;
        var req = ctx.Request;
        var method = req.Method;
        if (!Need(dst, p, 1))
        {
            return -1;
        }

        if (ReferenceEquals(method, HttpMethods.Post) || method == "POST")
        {
            dst[p++] = 0x83;
        }
        else if (ReferenceEquals(method, HttpMethods.Get) || method == "GET")
        {
            dst[p++] = 0x82;
        }
        else if (!Literal(dst, ref p, 2, method))
        {
            return -1;
        }

        if (!Need(dst, p, 1))
        {
            return -1;
        }

        dst[p++] = https ? (byte)0x87 : (byte)0x86; // :scheme https / http (static table 7 / 6)
        var target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (req.Path + req.QueryString).ToString();
        if (!Literal(dst, ref p, 4, target) || !Literal(dst, ref p, 1, req.Host.Value ?? ""))
        {
            return -1;
        }

        foreach (var field in req.Headers)
        {
            var name = field.Key;
            if (name.Length == 0 || name[0] == ':' || IsConnectionSpecific(name))
            {
                continue;
            }

            if (name.Equals("te", StringComparison.OrdinalIgnoreCase))
            {
                // Only "te: trailers" may cross HTTP/2 (RFC 9113 8.2.2); gRPC needs it.
                if (!Field(dst, ref p, "te", "trailers"))
                {
                    return -1;
                }

                continue;
            }

            foreach (var value in (StringValues)field.Value)
            {
                if (!Field(dst, ref p, name, value ?? ""))
                {
                    return -1;
                }
            }
        }

        return p;
    }

    private static bool IsConnectionSpecific(string name) =>
        name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("proxy-connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

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
