using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules.Matchers;

/// <summary>
/// <c>Host(`example.com`)</c>: case-insensitive equality with the request host (port excluded). A trailing dot
/// on either side is tolerated exactly as Traefik does: <c>Host(`a.com.`)</c> matches <c>a.com</c>, and
/// <c>Host(`a.com`)</c> matches a request for <c>a.com.</c>. As in Traefik v3.7 (<c>pkg/muxer/muxer.go</c>
/// DomainMatchHostExpression): <c>Host(`*`)</c> matches every request, even one without a host, and a host
/// starting with <c>*</c> stands for exactly one first label — <c>Host(`*.example.com`)</c> matches
/// <c>a.example.com</c>, not <c>a.b.example.com</c> nor <c>example.com</c>.
/// </summary>
internal sealed class HostMatcher(string host) : IRuleMatcher
{
    private readonly string _host = host.ToLowerInvariant();

    public bool Matches(IRequestFacts request) => _host == "*" || Matches(RequestHost.Canonical(request.Host));

    internal bool Matches(ReadOnlySpan<char> requestHost)
    {
        if (_host == "*")
        {
            return true;
        }

        if (requestHost.IsEmpty)
        {
            return false;
        }

        var host = _host.AsSpan();
        if (DomainMatch(requestHost, host))
        {
            return true;
        }
        if (host[^1] == '.' && DomainMatch(requestHost, host[..^1]))
        {
            return true;
        }
        return requestHost[^1] == '.' && DomainMatch(requestHost[..^1], host);
    }

    /// <summary>Traefik's DomainMatchHostExpression: a leading <c>*</c> in the expression replaces the domain's first label.</summary>
    internal static bool DomainMatch(ReadOnlySpan<char> domain, ReadOnlySpan<char> expression)
    {
        if (expression.IsEmpty || expression[0] != '*')
        {
            return domain.Equals(expression, StringComparison.OrdinalIgnoreCase);
        }

        // "*" + the domain without its first label ("*" alone for a one-label domain).
        var dot = domain.IndexOf('.');
        var rest = dot < 0 ? ReadOnlySpan<char>.Empty : domain[dot..];
        return expression.Length == 1 + rest.Length && expression[1..].Equals(rest, StringComparison.OrdinalIgnoreCase);
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
