using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Regular expressions of HostRegexp, PathRegexp, HeaderRegexp and QueryRegexp.
/// <para>
/// Engine: the interpreter (<see cref="RegexOptions.CultureInvariant"/>), neither
/// <see cref="RegexOptions.Compiled"/> nor <see cref="RegexOptions.NonBacktracking"/>. Measured on this machine
/// (2 cores, heavily loaded): constructing 1 000 patterns takes ~0.1 s interpreted but 7–9 s NonBacktracking
/// (it builds its symbolic automaton up front); Compiled emits IL per pattern (never collected) and is slower to
/// build still. A table of 10 000 routes must compile in well under a second, so only the interpreter fits, and
/// its matching is as fast (~0.5 µs for a typical path pattern) and allocation-free.
/// </para>
/// <para>
/// Safety: Traefik uses Go's RE2, which cannot backtrack. <see cref="GoRegexTranslation"/> refuses what RE2
/// refuses (back-references, look-around, atomic/conditional groups), and <see cref="MatchTimeout"/> bounds any
/// remaining catastrophic backtracking (nested quantifiers); a timed-out match counts as "no match"
/// (<see cref="Matchers.RegexEvaluation"/>). The timeout is measured in wall-clock time, so it must be far above
/// any scheduling delay: 50 ms fired on a trivial pattern while this machine ran at load 37 — hence 1 s.
/// Patterns are unanchored, like Go's MatchString.
/// </para>
/// </summary>
internal static class RuleRegex
{
    public const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary>Upper bound of one match; generous for any sane pattern on a path or header value.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // The regex built while validating a parsed matcher is reused when that very node is compiled, so each
    // pattern is constructed once per table. Keyed by node identity; entries die with the AST.
    private static readonly ConditionalWeakTable<RuleNode.Matcher, Regex> Built = new();

    /// <summary>Builds the regex, or returns the reason it is invalid.</summary>
    public static Regex? TryCreate(string pattern, out string? error)
    {
        try
        {
            var translated = GoRegexTranslation.Translate(pattern, out error);
            return translated is null ? null : new Regex(translated, Options, MatchTimeout);
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
