using Switchyard.Routing.Rules.Matchers;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Turns a rule tree into an <see cref="IRuleMatcher"/>: done once per table, so every per-request input
/// (lower-cased host, upper-cased method, regexes, header/query predicates, IP ranges) is prepared here and
/// a match allocates nothing.
/// </summary>
public static class RuleMatcherCompiler
{
    /// <summary>
    /// Compiles a tree returned by <see cref="RuleParser"/> (which validated it, so this cannot fail). A tree
    /// built by hand is validated here and an invalid matcher throws <see cref="ArgumentException"/>.
    /// </summary>
    public static IRuleMatcher Compile(RuleNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            RuleNode.And and => new AndMatcher(Compile(and.Left), Compile(and.Right)),
            RuleNode.Or or => new OrMatcher(Compile(or.Left), Compile(or.Right)),
            RuleNode.Not not => new NotMatcher(Compile(not.Operand)),
            RuleNode.Matcher matcher => CompileMatcher(matcher),
            _ => throw new ArgumentException($"unknown rule node {node.GetType().Name}", nameof(node)),
        };
    }

    private static IRuleMatcher CompileMatcher(RuleNode.Matcher node)
    {
        var args = node.Args;
        // Hand-built trees have not been through the parser; nodes from the parser pass instantly (regexes
        // they built are reused below via RuleRegex.For).
        if (!RuleRegex.IsKnown(node) && MatcherValidation.Validate(node, out _) is { } error)
        {
            throw new ArgumentException($"invalid matcher {node.Name}: {error}", nameof(node));
        }

        return node.Name switch
        {
            MatcherCatalog.Host => new HostMatcher(args[0]),
            MatcherCatalog.HostRegexp => new HostRegexpMatcher(RuleRegex.For(node, args[0])),
            MatcherCatalog.Path => new PathMatcher(args[0]),
            MatcherCatalog.PathPrefix => new PathPrefixMatcher(args[0]),
            MatcherCatalog.PathRegexp => new PathRegexpMatcher(RuleRegex.For(node, args[0])),
            MatcherCatalog.Header => HeaderMatcher.Exact(args[0], args[1]),
            MatcherCatalog.HeaderRegexp => HeaderMatcher.Regex(args[0], RuleRegex.For(node, args[1])),
            MatcherCatalog.Method => new MethodMatcher(args[0]),
            MatcherCatalog.Query => QueryMatcher.Exact(args[0], args.Length == 2 ? args[1] : ""),
            MatcherCatalog.QueryRegexp when args.Length == 1 => QueryMatcher.Exact(args[0], ""),
            MatcherCatalog.QueryRegexp => QueryMatcher.Regex(args[0], RuleRegex.For(node, args[1])),
            MatcherCatalog.ClientIP => new ClientIpMatcher(ParseRange(args[0])),
            _ => throw new ArgumentException($"unknown matcher {node.Name}", nameof(node)),
        };
    }

    private static IpRange ParseRange(string value) =>
        IpRange.TryParse(value, out var range, out var error) ? range : throw new ArgumentException($"ClientIP: {error}");
}
