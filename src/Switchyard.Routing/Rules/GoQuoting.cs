using System.Globalization;
using System.Text;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Go's quoting as Traefik's providers use it when they write rule text (the rule lexer reads these forms back):
/// shared by the Ingress and Gateway API stages so both write values the same way.
/// </summary>
internal static class GoQuoting
{
    /// <summary>Go's %q: a double-quoted string with Go escapes (the rule lexer reads them back).</summary>
    public static string Quote(string value) => Quote(new StringBuilder(value.Length + 2), value).ToString();

    /// <summary>Go's %q of <paramref name="value"/>, appended to <paramref name="sb"/>.</summary>
    public static StringBuilder Quote(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"');
    }

    /// <summary>Go's regexp.QuoteMeta: a backslash before every regex metacharacter.</summary>
    public static string QuoteMeta(string value) => QuoteMeta(new StringBuilder(value.Length * 2), value).ToString();

    /// <summary>Go's regexp.QuoteMeta of <paramref name="literal"/>, appended to <paramref name="sb"/>.</summary>
    public static StringBuilder QuoteMeta(StringBuilder sb, ReadOnlySpan<char> literal)
    {
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb;
    }
}
