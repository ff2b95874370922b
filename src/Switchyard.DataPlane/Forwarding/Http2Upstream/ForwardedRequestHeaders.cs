using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchyard.DataPlane.Pipeline;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// The header block a forwarded call sends to an h2c backend, with the rules the YARP path applies
/// (<see cref="ForwardingTransformer"/> on top of YARP's header copy): hop-by-hop and proxy-control headers dropped,
/// passHostHeader (the client's Host as :authority, else the server's address), the peer appended to X-Forwarded-For
/// unless the entry point says notAppendXForwardedFor, <c>te: trailers</c> for gRPC, and the path as the client encoded
/// it (<see cref="RequestPathEncoding"/>). HPACK literals come from <see cref="HpackLiterals"/>. The one encoder of
/// request headers: the data plane's path and the stand-alone <see cref="GrpcUpstreamForwarder.ForwardAsync"/> both use it.
/// </summary>
internal static class ForwardedRequestHeaders
{
    /// <summary>Returns the block length, or -1 when <paramref name="dst"/> is too small.</summary>
    /// <param name="authority">The server's <c>host:port</c> when the Host is rewritten; null passes the client's Host.</param>
    public static int Encode(HttpContext ctx, string? authority, Span<byte> dst, bool https = false)
    {
        var p = 0;
        var req = ctx.Request;
        var method = req.Method;
        if (dst.Length < 2)
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
        else if (!HpackLiterals.Literal(dst, ref p, 2, method))
        {
            return -1;
        }

        dst[p++] = https ? (byte)0x87 : (byte)0x86; // :scheme https (TLS pool) / http (h2c)
        var host = authority ?? (req.Host.HasValue ? req.Host.Value! : "");
        if (!HpackLiterals.Literal(dst, ref p, 4, Target(ctx)) || !HpackLiterals.Literal(dst, ref p, 1, host))
        {
            return -1;
        }

        var grpc = ProxyErrorsShim.IsGrpcContentType(req.ContentType);
        var teTrailers = grpc;
        var appendPeer = ctx.Connection.RemoteIpAddress is not null && ctx.Features.Get<NotAppendXForwardedFor>() is null;
        StringValues priorForwardedFor = default;
        foreach (var field in req.Headers)
        {
            var name = field.Key;
            if (name.Length == 0 || name[0] == ':' || Skipped(name))
            {
                continue;
            }

            if (name.Equals("te", StringComparison.OrdinalIgnoreCase))
            {
                // Only "te: trailers" may cross HTTP/2 (RFC 9113 8.2.2); gRPC needs it.
                teTrailers |= HasTrailers(field.Value);
                continue;
            }

            if (appendPeer && name.Equals(ForwardedHeaders.XForwardedFor, StringComparison.OrdinalIgnoreCase))
            {
                priorForwardedFor = field.Value;
                continue;
            }

            foreach (var value in field.Value)
            {
                if (!HpackLiterals.Field(dst, ref p, name, value ?? ""))
                {
                    return -1;
                }
            }
        }

        if (teTrailers && !HpackLiterals.Field(dst, ref p, "te", "trailers"))
        {
            return -1;
        }

        if (appendPeer)
        {
            // As Traefik's proxy: the peer goes after what the entry point (and middlewares) left in X-Forwarded-For.
            var peer = ForwardedHeaders.AddressText(ctx.Connection.RemoteIpAddress!);
            var value = priorForwardedFor.Count == 0 ? peer : string.Join(", ", priorForwardedFor.ToArray()) + ", " + peer;
            if (!HpackLiterals.Field(dst, ref p, "x-forwarded-for", value))
            {
                return -1;
            }
        }

        return p;
    }

    /// <summary>The :path: the client's encoding when a '%' must be kept, else the (possibly rewritten) path and query.</summary>
    private static string Target(HttpContext ctx)
    {
        if (RequestPathEncoding.EncodedPathAndQuery(ctx) is { } encoded)
        {
            return encoded;
        }

        var req = ctx.Request;
        var path = req.Path.HasValue ? req.Path.ToUriComponent() : "/";
        return req.QueryString.HasValue ? path + req.QueryString.Value : path;
    }

    private static bool HasTrailers(StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Contains("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Headers that never cross the proxy (YARP's RequestUtilities exclusion list, which the YARP path applies): the
    /// connection's own, proxy control, HTTP/2 settings; Host travels as :authority.
    /// </summary>
    internal static bool Skipped(string name) => name.Length switch
    {
        2 => false,
        4 => name.Equals("host", StringComparison.OrdinalIgnoreCase) || name.Equals("alpn", StringComparison.OrdinalIgnoreCase),
        5 => name.Equals("close", StringComparison.OrdinalIgnoreCase),
        7 => name.Equals("upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("alt-svc", StringComparison.OrdinalIgnoreCase),
        10 => name.Equals("connection", StringComparison.OrdinalIgnoreCase) || name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase),
        14 => name.Equals("http2-settings", StringComparison.OrdinalIgnoreCase) || name.Equals("proxy-features", StringComparison.OrdinalIgnoreCase),
        15 => name.Equals("security-scheme", StringComparison.OrdinalIgnoreCase),
        16 => name.Equals("proxy-connection", StringComparison.OrdinalIgnoreCase),
        17 => name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("proxy-instruction", StringComparison.OrdinalIgnoreCase),
        18 => name.Equals("proxy-authenticate", StringComparison.OrdinalIgnoreCase),
        19 => name.Equals("proxy-authorization", StringComparison.OrdinalIgnoreCase),
        25 => name.Equals("proxy-authentication-info", StringComparison.OrdinalIgnoreCase)
            || name.Equals("upgrade-insecure-requests", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
