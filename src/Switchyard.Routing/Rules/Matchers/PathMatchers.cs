using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules.Matchers;

/// <summary><c>Path(`/a`)</c>: exact, case-sensitive equality with the request path.</summary>
internal sealed class PathMatcher(string path) : IRuleMatcher
{
    public string Path { get; } = path;

    public bool Matches(IRequestFacts request) => string.Equals(request.Path, Path, StringComparison.Ordinal);
}

/// <summary>
/// <c>PathPrefix(`/a`)</c>: a plain string prefix, not a segment prefix — <c>PathPrefix(`/api`)</c> matches
/// <c>/apiary</c> too, as in Traefik v3.
/// </summary>
internal sealed class PathPrefixMatcher(string prefix) : IRuleMatcher
{
    public string Prefix { get; } = prefix;

    public bool Matches(IRequestFacts request) => request.Path is { } path && path.StartsWith(Prefix, StringComparison.Ordinal);
}

/// <summary><c>PathRegexp(`…`)</c>: the unanchored regex against the request path.</summary>
internal sealed class PathRegexpMatcher(Regex regex) : IRuleMatcher
{
    public bool Matches(IRequestFacts request) => RegexEvaluation.IsMatch(regex, request.Path);
}
