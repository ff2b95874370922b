using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Regular expressions of HostRegexp, PathRegexp, HeaderRegexp and QueryRegexp: built by
/// <see cref="RegexPattern"/> (Go dialect, NonBacktracking, match timeout; see there for engine and cost). A
/// timed-out match counts as "no match" (<see cref="Matchers.RegexEvaluation"/>). Patterns are unanchored, like
/// Go's MatchString.
/// </summary>
internal static class RuleRegex
{
    // The regex built while validating a parsed matcher is reused when that very node is compiled, so each
    // pattern is looked up once per table. Keyed by node identity; entries die with the AST.
    private static readonly ConditionalWeakTable<RuleNode.Matcher, Regex> Built = new();

    /// <summary>Builds the regex, or returns the reason it is invalid.</summary>
    public static Regex? TryCreate(string pattern, out string? error) => RegexPattern.TryCreate(pattern, out error)?.Regex;

    /// <summary>True when this node's regex was built while parsing it (so it is valid).</summary>
    public static bool IsKnown(RuleNode.Matcher node) => Built.TryGetValue(node, out _);

    public static void Remember(RuleNode.Matcher node, Regex regex) => Built.AddOrUpdate(node, regex);

    /// <summary>The regex of a matcher node: the one built at parse time when available.</summary>
    public static Regex For(RuleNode.Matcher node, string pattern)
    {
        if (Built.TryGetValue(node, out var regex))
        {
            return regex;
        }

        return TryCreate(pattern, out var error) ?? throw new ArgumentException($"{node.Name}: invalid regular expression: {error}", nameof(node));
    }
}
