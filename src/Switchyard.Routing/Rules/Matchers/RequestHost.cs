namespace Switchyard.Routing.Rules.Matchers;

/// <summary>
/// The host a Host/HostRegexp matcher compares with — Traefik's "canonized host": the request host without
/// port. <see cref="IRequestFacts.Host"/> already excludes the port; stripping it again here keeps the
/// matchers right for any implementation. IPv6 literals lose their brackets (<c>[::1]:8080</c> → <c>::1</c>).
/// </summary>
internal static class RequestHost
{
    public static ReadOnlySpan<char> Canonical(string? host)
    {
        var span = host.AsSpan();
        if (span.IsEmpty)
        {
            return span;
        }

        if (span[0] == '[')
        {
            var end = span.IndexOf(']');
            return end > 0 ? span[1..end] : span;
        }

        var colon = span.IndexOf(':');
        if (colon >= 0 && span.LastIndexOf(':') == colon && IsDigits(span[(colon + 1)..]))
        {
            return span[..colon];
        }
        return span;
    }

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }
}
