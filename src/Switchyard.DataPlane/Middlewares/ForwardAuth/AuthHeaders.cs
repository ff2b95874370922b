namespace Switchyard.DataPlane.Middlewares.ForwardAuth;

/// <summary>Header-name rules shared by the request to the auth server and the copy of its answer.</summary>
internal static class AuthHeaders
{
    /// <summary>
    /// Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones the HTTP client computes itself. They are never copied
    /// between the caller, the auth server and the backend.
    /// </summary>
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Content-Length",
    };

    public static bool IsNotCopied(string name) => name.Length == 0 || name[0] == ':' || NotCopied.Contains(name);

    /// <summary>
    /// Go's CanonicalMIMEHeaderKey ("x-auth-user" → "X-Auth-User"). Traefik matches authResponseHeadersRegex
    /// against canonical names, and HTTP/2 delivers names in lower case, so we match the same spelling.
    /// Names with characters Go does not canonicalise are returned unchanged, as Go does.
    /// </summary>
    public static string Canonical(string name)
    {
        var upper = true;
        var changed = false;
        foreach (var c in name)
        {
            if (c is ' ' or '\t' or ':' || c > 0x7E)
            {
                return name;
            }

            var want = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            changed |= want != c;
            upper = c == '-';
        }

        if (!changed)
        {
            return name;
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            var up = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = up ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                up = c == '-';
            }
        });
    }
}
