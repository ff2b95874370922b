using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Table;

/// <summary>
/// A regular expression from config (rule matchers, stripPrefixRegex, replacePathRegex, redirectRegex, CORS origin
/// regexes, forwardAuth's authResponseHeadersRegex), compiled by the compiler and carried by the table, so the
/// data plane never parses a pattern. Compared and written as the pattern text (Go syntax, as written).
/// <para>
/// Engine: Traefik uses Go's RE2, which runs in linear time. Every pattern here runs on
/// <see cref="RegexOptions.NonBacktracking"/> (also linear in the input: <c>^/(a+)+$</c> against a hostile path
/// costs microseconds, not a second of CPU) after <see cref="GoRegexTranslation"/>; constructs neither engine can
/// run (back-references, look-around, atomic and conditional groups) are compiler diagnostics. Each match also
/// has <see cref="MatchTimeout"/> as a second line of defence. The timeout is wall-clock, so it sits far above any
/// scheduling delay (50 ms fired on a trivial pattern at load 37).
/// </para>
/// <para>
/// Cost: building a NonBacktracking regex takes 0.4–2 ms of CPU (its character-class algebra is computed up
/// front; the interpreter takes 0.01 ms), so built regexes are shared process-wide by pattern: a recompile after
/// an endpoint change builds only patterns it has not seen.
/// </para>
/// </summary>
[JsonConverter(typeof(PatternTextConverter))]
public sealed class RegexPattern : IEquatable<RegexPattern>
{
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>Upper bound of one match; generous for any sane pattern on a path or header value.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // Bounded so a config that churns through unique patterns cannot grow the process: past the bound the cache
    // starts over (live tables keep their own references).
    private const int CacheLimit = 8192;
    private static readonly ConcurrentDictionary<string, Regex> Built = new(StringComparer.Ordinal);

    private RegexPattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        Regex = regex;
    }

    /// <summary>The pattern as written (Go syntax).</summary>
    public string Pattern { get; }

    /// <summary>The compiled regex (NonBacktracking, with <see cref="MatchTimeout"/>). Thread-safe.</summary>
    public Regex Regex { get; }

    /// <summary>Compiles a Go (RE2) pattern, or returns the reason it cannot run (parse error or unsupported construct).</summary>
    public static RegexPattern? TryCreate(string pattern, out string? error)
    {
        var translated = GoRegexTranslation.Translate(pattern, out error);
        if (translated is null)
        {
            return null;
        }

        if (Built.TryGetValue(translated, out var cached))
        {
            return new RegexPattern(pattern, cached);
        }

        Regex regex;
        try
        {
            regex = new Regex(translated, Options, MatchTimeout);
        }
        catch (RegexParseException ex)
        {
            error = Describe(ex);
            return null;
        }
        catch (NotSupportedException ex)
        {
            error = $"not supported by a linear-time engine ({ex.Message.TrimEnd('.')})";
            return null;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }

        if (Built.Count >= CacheLimit)
        {
            Built.Clear();
        }

        return new RegexPattern(pattern, Built.GetOrAdd(translated, regex));
    }

    /// <summary>For hand-built tables (tests): compiles <paramref name="pattern"/> or throws <see cref="ArgumentException"/>.</summary>
    public static RegexPattern Parse(string pattern) =>
        TryCreate(pattern, out var error) ?? throw new ArgumentException($"invalid regular expression '{pattern}': {error}", nameof(pattern));

    public bool Equals(RegexPattern? other) => other is not null && string.Equals(Pattern, other.Pattern, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as RegexPattern);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Pattern);

    public override string ToString() => Pattern;

    private static string Describe(RegexParseException ex) =>
        // The default message repeats the pattern and the offset in a long sentence; keep the reason and offset.
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

    private sealed class PatternTextConverter : JsonConverter<RegexPattern>
    {
        public override RegexPattern Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString() ?? throw new JsonException("a regular expression is a string"));

        public override void Write(Utf8JsonWriter writer, RegexPattern value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Pattern);
    }
}
