namespace Switchyard.Routing.Rules.Index;

internal enum PathConstraintKind
{
    Exact,
    Prefix,
}

internal readonly record struct PathConstraint(PathConstraintKind Kind, string Value);

/// <summary>
/// Necessary conditions read off a rule tree: "the rule can only match when the request host is one of
/// <see cref="Hosts"/>" and "… when the path equals or starts with one of <see cref="Paths"/>". Null means
/// no such condition could be derived. Sound by construction: for <c>a &amp;&amp; b</c> either side's condition
/// is necessary; for <c>a || b</c> only the union of both sides' conditions is; under <c>!</c> nothing is
/// (except <c>!!x</c>, which is <c>x</c>). The index uses these only to skip routers, never to accept one.
/// </summary>
internal sealed record RouteConstraints(IReadOnlyList<string>? Hosts, IReadOnlyList<PathConstraint>? Paths)
{
    public static readonly RouteConstraints None = new(null, null);

    public static RouteConstraints Of(RuleNode node) => new(HostsOf(node), PathsOf(node));

    private static List<string>? HostsOf(RuleNode node) => node switch
    {
        // Host(`*`) is no host condition at all; Host(`*.a.com`) stays (the index keys it by "a.com").
        RuleNode.Matcher { Name: MatcherCatalog.Host, Args: ["*"] } => null,
        RuleNode.Matcher { Name: MatcherCatalog.Host, Args: [var host] } => [host.ToLowerInvariant()],
        RuleNode.And and => Smaller(HostsOf(and.Left), HostsOf(and.Right)),
        RuleNode.Or or => Union(HostsOf(or.Left), HostsOf(or.Right)),
        RuleNode.Not { Operand: RuleNode.Not inner } => HostsOf(inner.Operand),
        _ => null,
    };

    private static List<PathConstraint>? PathsOf(RuleNode node) => node switch
    {
        RuleNode.Matcher { Name: MatcherCatalog.Path, Args: [var path] } => [new PathConstraint(PathConstraintKind.Exact, path)],
        RuleNode.Matcher { Name: MatcherCatalog.PathPrefix, Args: [var prefix] } => [new PathConstraint(PathConstraintKind.Prefix, prefix)],
        RuleNode.Matcher { Name: MatcherCatalog.PathRegexp, Args: [var pattern] } when LiteralPrefix(pattern) is { Length: > 0 } prefix =>
            [new PathConstraint(PathConstraintKind.Prefix, prefix)],
        RuleNode.And and => Smaller(PathsOf(and.Left), PathsOf(and.Right)),
        RuleNode.Or or => Union(PathsOf(or.Left), PathsOf(or.Right)),
        RuleNode.Not { Operand: RuleNode.Not inner } => PathsOf(inner.Operand),
        _ => null,
    };

    /// <summary>
    /// The literal text an anchored regex requires at the start of the path: <c>^/svc/[a-z]+</c> → <c>/svc/</c>.
    /// Conservative: only patterns starting with <c>^</c> and without any <c>|</c> (an alternative would escape
    /// the anchor); stops at the first metacharacter, and drops the last literal when a quantifier follows it.
    /// </summary>
    internal static string LiteralPrefix(string pattern)
    {
        if (pattern.Length < 2 || pattern[0] != '^' || pattern.Contains('|'))
        {
            return "";
        }

        var literal = new System.Text.StringBuilder();
        var i = 1;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            int width;
            char value;
            if (c == '\\')
            {
                // Escaped punctuation is itself; letters and digits are classes or anchors (\d, \b, \z…).
                if (i + 1 >= pattern.Length || char.IsLetterOrDigit(pattern[i + 1]))
                {
                    break;
                }
                value = pattern[i + 1];
                width = 2;
            }
            else if (@".+*?()[]{}^$".Contains(c))
            {
                break;
            }
            else
            {
                value = c;
                width = 1;
            }

            if (i + width < pattern.Length && pattern[i + width] is '?' or '*' or '{')
            {
                break; // this character is optional or repeated: not required as written
            }
            literal.Append(value);
            i += width;
        }
        return literal.ToString();
    }

    // Either side of && is a necessary condition; the narrower one prunes more.
    private static List<T>? Smaller<T>(List<T>? left, List<T>? right) =>
        left is null ? right : right is null ? left : right.Count < left.Count ? right : left;

    private static List<T>? Union<T>(List<T>? left, List<T>? right)
    {
        if (left is null || right is null)
        {
            return null;
        }
        left.AddRange(right);
        return left;
    }
}
