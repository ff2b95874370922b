using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The path sent to the backend, encoded as the client encoded it (Traefik forwards the request URL's RawPath,
/// pkg/proxy/httputil/proxy.go). Kestrel decodes the path except <c>%2F</c>, which stays in Request.Path as the
/// three characters "%2F"; YARP then encodes that '%' again and the backend sees <c>%252F</c>. Paths without a
/// '%' are left to YARP (nothing to keep), so the common call costs one IndexOf.
/// </summary>
internal static class RequestPathEncoding
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>The destination URI when the client's encoding must be kept; null to let YARP build it.</summary>
    public static Uri? DestinationUri(HttpContext context, string destinationPrefix) =>
        EncodedPathAndQuery(context) is { } target ? new Uri(destinationPrefix + target, Verbatim) : null;

    /// <summary>The path and query to send when the client's encoding must be kept; null when the plain path will do.</summary>
    public static string? EncodedPathAndQuery(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is null || !rawTarget.StartsWith('/'))
        {
            return null;
        }

        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        if (!rawPath.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        var request = context.Request;
        var path = request.Path.Value ?? "/";
        string encoded;
        if (string.Equals(Decode(rawPath), path, StringComparison.Ordinal))
        {
            encoded = rawPath; // untouched by middlewares: exactly as sent
        }
        else if (!rawPath.Contains("%25", StringComparison.Ordinal))
        {
            // Rewritten (stripPrefix, addPrefix, ...): every '%' left in the path is an undecoded %2F of the client.
            encoded = request.Path.ToUriComponent().Replace("%252F", "%2F", StringComparison.Ordinal).Replace("%252f", "%2f", StringComparison.Ordinal);
        }
        else
        {
            return null; // a literal '%' was sent (%25): the plain encoding is the unambiguous one
        }

        return encoded + request.QueryString.Value;
    }

    /// <summary>Kestrel's decoding of a raw path: every escape but %2F / %2f.</summary>
    private static string Decode(string rawPath)
    {
        var decoded = new System.Text.StringBuilder(rawPath.Length);
        var start = 0;
        while (true)
        {
            var slash = IndexOfEncodedSlash(rawPath, start);
            var piece = slash < 0 ? rawPath[start..] : rawPath[start..slash];
            decoded.Append(Uri.UnescapeDataString(piece));
            if (slash < 0)
            {
                return decoded.ToString();
            }

            decoded.Append(rawPath, slash, 3);
            start = slash + 3;
        }
    }

    private static int IndexOfEncodedSlash(string path, int start)
    {
        for (var i = path.IndexOf('%', start); i >= 0 && i + 2 < path.Length; i = path.IndexOf('%', i + 1))
        {
            if (path[i + 1] == '2' && (path[i + 2] is 'F' or 'f'))
            {
                return i;
            }
        }

        return -1;
    }
}
