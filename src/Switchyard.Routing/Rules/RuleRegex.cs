using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Regular expressions of HostRegexp, PathRegexp, HeaderRegexp and QueryRegexp.
/// <para>
/// Options: the interpreter (<see cref="RegexOptions.CultureInvariant"/> only) with a match timeout — neither
/// <see cref="RegexOptions.Compiled"/> nor <see cref="RegexOptions.NonBacktracking"/>. Measured on this machine
/// (2 loaded cores) for 10 000 patterns: interpreted ≈ 0.13 s, NonBacktracking ≈ 40 s (it builds its symbolic
/// automaton up front, ~4 ms per pattern), Compiled is worse still (IL emission per regex, never collected).
/// A table of 10 000 routes must compile in well under a second, so only the interpreter fits. Traefik uses
/// Go's RE2, which cannot backtrack; the interpreter can, so <see cref="MatchTimeout"/> bounds a pathological
/// pattern/input pair and a timed-out match counts as "no match" (see <see cref="Matchers.RegexEvaluation"/>).
/// Matching allocates nothing. Patterns are unanchored, like Go's MatchString.
/// </para>
/// <para>Go's <c>(?P&lt;name&gt;…)</c> group syntax is translated to .NET's <c>(?&lt;name&gt;…)</c>. .NET accepts a
/// superset of RE2 (back-references, look-around); such patterns are accepted here although Traefik rejects them.</para>
/// </summary>
internal static class RuleRegex
{
    public const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary>Upper bound of one match; generous for any sane pattern on a path or header value.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    // The regex built while validating a parsed matcher is reused when that very node is compiled, so each
    // pattern is constructed once per table. Keyed by node identity; entries die with the AST.
    private static readonly ConditionalWeakTable<RuleNode.Matcher, Regex> Built = new();

    /// <summary>Builds the regex, or returns the reason it is invalid.</summary>
    public static Regex? TryCreate(string pattern, out string? error)
    {
        try
        {
            error = null;
            return new Regex(Translate(pattern), Options, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = ex is RegexParseException parse ? Describe(parse) : ex.Message;
            return null;
        }
    }

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

    private static string Translate(string pattern) =>
        pattern.Contains("(?P<", StringComparison.Ordinal) ? pattern.Replace("(?P<", "(?<", StringComparison.Ordinal) : pattern;

    private static string Describe(RegexParseException ex) =>
        // The default message repeats the pattern and the offset in a long sentence; keep the reason only.
        ex.Error switch
        {
            RegexParseError.InsufficientClosingParentheses => "missing closing )",
            RegexParseError.InsufficientOpeningParentheses => "unexpected )",
            RegexParseError.UnterminatedBracket => "missing closing ]",
            RegexParseError.QuantifierAfterNothing => "missing argument to repetition operator",
            RegexParseError.NestedQuantifiersNotParenthesized => "invalid nested repetition operator",
            RegexParseError.UnescapedEndingBackslash => "trailing backslash at end of expression",
            _ => $"{ex.Error} at offset {ex.Offset}",
        };
}
