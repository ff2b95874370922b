using System.Text;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Brings a Go (RE2) pattern to .NET's regex dialect where the two differ in ways that change routing:
/// <list type="bullet">
/// <item>constructs RE2 refuses — back-references (<c>\1</c>, <c>\k&lt;n&gt;</c>), look-around, atomic and
/// conditional groups — are refused here too, so a rule valid here is valid in Traefik (and the patterns that
/// make a backtracking engine explode are the ones excluded);</item>
/// <item><c>(?P&lt;name&gt;…)</c> becomes <c>(?&lt;name&gt;…)</c>;</item>
/// <item>outside multi-line mode Go's <c>$</c> matches only at the very end, while .NET's also matches before a
/// final newline (a decoded <c>%0A</c> in a path), so <c>$</c> becomes <c>\z</c>.</item>
/// </list>
/// </summary>
internal static class GoRegexTranslation
{
    public static string? Translate(string pattern, out string? error)
    {
        error = null;
        // Multi-line mode makes '$' an end-of-line anchor in both dialects; leave such patterns alone.
        var multiline = HasMultilineFlag(pattern);
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (next is >= '1' and <= '9' || (next == 'k' && !inClass))
                {
                    error = "back-references are not supported (Traefik's RE2 engine refuses them)";
                    return null;
                }
                sb.Append(c).Append(next);
                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    // A ']' right after '[' or '[^' is a literal member, not the end of the class.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        sb.Append('^');
                        i++;
                    }
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        sb.Append(']');
                        i++;
                    }
                    break;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?':
                {
                    var rest = pattern.AsSpan(i + 2);
                    if (rest.StartsWith("P<"))
                    {
                        sb.Append("(?<");
                        i += 3;
                        break;
                    }
                    if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
                    {
                        error = "look-around assertions are not supported (Traefik's RE2 engine refuses them)";
                        return null;
                    }
                    if (rest.StartsWith(">") || rest.StartsWith("("))
                    {
                        error = "atomic and conditional groups are not supported (Traefik's RE2 engine refuses them)";
                        return null;
                    }
                    sb.Append(c);
                    break;
                }
                case '$' when !multiline:
                    sb.Append("\\z");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    private static bool HasMultilineFlag(string pattern)
    {
        // Flag groups look like (?flags) or (?flags:...) with flags from imsU and an optional '-'.
        var index = 0;
        while ((index = pattern.IndexOf("(?", index, StringComparison.Ordinal)) >= 0)
        {
            var j = index + 2;
            var sawM = false;
            var negated = false;
            while (j < pattern.Length && pattern[j] is 'i' or 'm' or 's' or 'U' or '-')
            {
                if (pattern[j] == '-')
                {
                    negated = true;
                }
                else if (pattern[j] == 'm' && !negated)
                {
                    sawM = true;
                }
                j++;
            }
            if (sawM && j < pattern.Length && pattern[j] is ')' or ':')
            {
                return true;
            }
            index += 2;
        }
        return false;
    }
}
