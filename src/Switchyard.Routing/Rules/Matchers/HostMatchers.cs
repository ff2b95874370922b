using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules.Matchers;

/// <summary>
/// <c>Host(`example.com`)</c>: case-insensitive equality with the request host (port excluded). A trailing dot
/// on either side is tolerated exactly as Traefik does: <c>Host(`a.com.`)</c> matches <c>a.com</c>, and
/// <c>Host(`a.com`)</c> matches a request for <c>a.com.</c>.
/// </summary>
internal sealed class HostMatcher(string host) : IRuleMatcher
{
    private readonly string _host = host.ToLowerInvariant();

    public bool Matches(IRequestFacts request) => Matches(RequestHost.Canonical(request.Host));

    internal bool Matches(ReadOnlySpan<char> requestHost)
    {
        if (requestHost.IsEmpty)
        {
            return false;
        }

        var host = _host.AsSpan();
        if (requestHost.Equals(host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (host[^1] == '.' && requestHost.Equals(host[..^1], StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return requestHost[^1] == '.' && requestHost[..^1].Equals(host, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary><c>HostRegexp(`…`)</c>: the (unanchored) regex against the lower-cased request host without port.</summary>
internal sealed class HostRegexpMatcher(Regex regex) : IRuleMatcher
{
    private const int StackLimit = 256;

    public bool Matches(IRequestFacts request)
    {
        var host = RequestHost.Canonical(request.Host);
        if (!HasUpper(host))
        {
            return RegexEvaluation.IsMatch(regex, host);
        }

        // Lower-case without allocating for any sane host length.
        Span<char> lower = host.Length <= StackLimit ? stackalloc char[host.Length] : new char[host.Length];
        host.ToLowerInvariant(lower);
        return RegexEvaluation.IsMatch(regex, lower);
    }

    private static bool HasUpper(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is >= 'A' and <= 'Z' || c > '\x7f')
            {
                return true;
            }
        }
        return false;
    }
}
