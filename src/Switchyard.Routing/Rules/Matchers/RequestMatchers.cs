using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules.Matchers;

/// <summary>
/// <c>Header(k, v)</c> and <c>HeaderRegexp(k, re)</c>: any value of header k (name case-insensitive) equals v /
/// matches re. The predicate is built once here, so a request check allocates nothing.
/// </summary>
internal sealed class HeaderMatcher(string name, Func<string, bool> predicate) : IRuleMatcher
{
    public static HeaderMatcher Exact(string name, string value) => new(name, v => string.Equals(v, value, StringComparison.Ordinal));

    public static HeaderMatcher Regex(string name, Regex regex) => new(name, v => RegexEvaluation.IsMatch(regex, v));

    public bool Matches(IRequestFacts request) => request.AnyHeaderValue(name, predicate);
}

/// <summary>
/// <c>Query(k)</c>, <c>Query(k, v)</c>, <c>QueryRegexp(k, re)</c>: any value of query parameter k equals v /
/// matches re. With one argument the parameter must be present with an empty value (<c>?mobile</c> or
/// <c>?mobile=</c>), like Traefik (which looks for "" among the values).
/// </summary>
internal sealed class QueryMatcher(string name, Func<string, bool> predicate) : IRuleMatcher
{
    public static QueryMatcher Exact(string name, string value) => new(name, v => string.Equals(v, value, StringComparison.Ordinal));

    public static QueryMatcher Regex(string name, Regex regex) => new(name, v => RegexEvaluation.IsMatch(regex, v));

    public bool Matches(IRequestFacts request) => request.AnyQueryValue(name, predicate);
}

/// <summary><c>Method(`GET`)</c>: the rule value is upper-cased; the request method is compared as sent.</summary>
internal sealed class MethodMatcher(string method) : IRuleMatcher
{
    private readonly string _method = method.ToUpperInvariant();

    public bool Matches(IRequestFacts request) => string.Equals(request.Method, _method, StringComparison.Ordinal);
}

/// <summary><c>ClientIP(`10.0.0.0/8`)</c>: the socket's remote address (never X-Forwarded-For) is in the range.</summary>
internal sealed class ClientIpMatcher(IpRange range) : IRuleMatcher
{
    public bool Matches(IRequestFacts request) => range.Contains(request.ClientAddress);
}
