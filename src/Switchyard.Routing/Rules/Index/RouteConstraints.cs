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
        RuleNode.And and => Smaller(PathsOf(and.Left), PathsOf(and.Right)),
        RuleNode.Or or => Union(PathsOf(or.Left), PathsOf(or.Right)),
        RuleNode.Not { Operand: RuleNode.Not inner } => PathsOf(inner.Operand),
        _ => null,
    };

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
