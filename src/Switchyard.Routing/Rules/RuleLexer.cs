using System.Globalization;
using System.Text;

namespace Switchyard.Routing.Rules;

internal enum RuleTokenKind
{
    End,
    Identifier,
    String,
    LeftParen,
    RightParen,
    Comma,
    And,
    Or,
    Not,
    /// <summary>A character that starts no token; Text describes it.</summary>
    Unexpected,
    /// <summary>A malformed token (unterminated string, bad escape); Text is the message.</summary>
    Invalid,
}

/// <summary>One token. <see cref="Column"/> is 1-based; <see cref="Text"/> is the unquoted value for strings,
/// the name for identifiers and the error message for <see cref="RuleTokenKind.Invalid"/>.</summary>
internal readonly record struct RuleToken(RuleTokenKind Kind, int Column, string Text);

/// <summary>
/// Tokenizer of the rule language. Traefik parses rules as Go expressions (vulcand/predicate over go/parser),
/// so strings follow Go's literal rules: raw strings in backticks (no escapes, carriage returns dropped) and
/// interpreted strings in double quotes with Go's escapes. Single quotes are not strings in Go.
/// </summary>
internal sealed class RuleLexer(string text)
{
    private int _pos;

    public RuleToken Next()
    {
        while (_pos < text.Length && IsSpace(text[_pos]))
        {
            _pos++;
        }

        if (_pos >= text.Length)
        {
            return new RuleToken(RuleTokenKind.End, _pos + 1, "");
        }

        var start = _pos;
        var c = text[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                return new RuleToken(RuleTokenKind.LeftParen, start + 1, "(");
            case ')':
                _pos++;
                return new RuleToken(RuleTokenKind.RightParen, start + 1, ")");
            case ',':
                _pos++;
                return new RuleToken(RuleTokenKind.Comma, start + 1, ",");
            case '!':
                _pos++;
                return new RuleToken(RuleTokenKind.Not, start + 1, "!");
            case '&':
            case '|':
                if (_pos + 1 < text.Length && text[_pos + 1] == c)
                {
                    _pos += 2;
                    return c == '&'
                        ? new RuleToken(RuleTokenKind.And, start + 1, "&&")
                        : new RuleToken(RuleTokenKind.Or, start + 1, "||");
                }
                return Invalid(start, c == '&' ? "expected '&&' (a single '&' is not an operator)" : "expected '||' (a single '|' is not an operator)");
            case '`':
                return RawString(start);
            case '"':
                return InterpretedString(start);
            case '\'':
                return Invalid(start, "strings are quoted with backticks or double quotes, not single quotes");
        }

        if (IsIdentifierStart(c))
        {
            while (_pos < text.Length && IsIdentifierPart(text[_pos]))
            {
                _pos++;
            }
            return new RuleToken(RuleTokenKind.Identifier, start + 1, text[start.._pos]);
        }

        _pos = text.Length;
        return new RuleToken(RuleTokenKind.Unexpected, start + 1, Describe(c));
    }

    private RuleToken RawString(int start)
    {
        var end = text.IndexOf('`', start + 1);
        if (end < 0)
        {
            _pos = text.Length;
            return Invalid(start, "unterminated string (missing closing backtick)");
        }

        _pos = end + 1;
        var value = text.Substring(start + 1, end - start - 1);
        // Go drops carriage returns from raw string literals.
        return new RuleToken(RuleTokenKind.String, start + 1, value.Contains('\r') ? value.Replace("\r", "") : value);
    }

    private RuleToken InterpretedString(int start)
    {
        var sb = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= text.Length || text[i] == '\n')
            {
                _pos = text.Length;
                return Invalid(start, "unterminated string (missing closing double quote)");
            }

            var c = text[i];
            if (c == '"')
            {
                _pos = i + 1;
                return new RuleToken(RuleTokenKind.String, start + 1, sb.ToString());
            }

            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                _pos = text.Length;
                return Invalid(start, "unterminated string (missing closing double quote)");
            }

            var escapeStart = i;
            var e = text[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'x':
                case 'u':
                case 'U':
                {
                    var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits > text.Length
                        || !uint.TryParse(text.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        return InvalidAt(escapeStart, $"invalid escape sequence: \\{e} needs {digits} hexadecimal digits");
                    }
                    if (e == 'x')
                    {
                        // Go's \x is a byte; only the ASCII range maps to one character unambiguously.
                        if (code > 0x7F)
                        {
                            return InvalidAt(escapeStart, "invalid escape sequence: \\x above 7f is a raw byte, use \\u instead");
                        }
                        sb.Append((char)code);
                    }
                    else
                    {
                        if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
                        {
                            return InvalidAt(escapeStart, "invalid escape sequence: not a Unicode code point");
                        }
                        sb.Append(char.ConvertFromUtf32((int)code));
                    }
                    i += digits;
                    break;
                }
                case >= '0' and <= '7':
                {
                    if (i + 2 > text.Length || !IsOctal(text[i]) || !IsOctal(text[i + 1]))
                    {
                        return InvalidAt(escapeStart, "invalid escape sequence: octal escapes need 3 digits");
                    }
                    var code = ((e - '0') * 64) + ((text[i] - '0') * 8) + (text[i + 1] - '0');
                    if (code > 0x7F)
                    {
                        return InvalidAt(escapeStart, "invalid escape sequence: octal above 177 is a raw byte, use \\u instead");
                    }
                    sb.Append((char)code);
                    i += 2;
                    break;
                }
                default:
                    return InvalidAt(escapeStart, $"unknown escape sequence \\{(char.IsControl(e) ? "?" : e.ToString())} (use a backtick string for regular expressions)");
            }
        }
    }

    private RuleToken Invalid(int start, string message)
    {
        _pos = text.Length;
        return new RuleToken(RuleTokenKind.Invalid, start + 1, message);
    }

    private RuleToken InvalidAt(int index, string message) => Invalid(index, message);

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    // Go's whitespace between tokens: space, tab, CR, LF.
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    internal static string Describe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c)
            ? $"U+{(int)c:X4}"
            : $"'{c}'";
}
