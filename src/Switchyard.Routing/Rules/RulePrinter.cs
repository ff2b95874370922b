using System.Text;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Prints a rule tree as canonical v3 text: canonical matcher names, <c>", "</c> between arguments, single
/// spaces around operators, parentheses only where precedence or associativity needs them, arguments in
/// backticks unless the value cannot be a Go raw string (contains a backtick or carriage return), then in
/// double quotes with Go escapes. Parsing the output gives back an equal tree.
/// </summary>
public static class RulePrinter
{
    public static string Print(RuleNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, RuleNode node)
    {
        switch (node)
        {
            case RuleNode.Matcher m:
                sb.Append(m.Name).Append('(');
                for (var i = 0; i < m.Args.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    WriteString(sb, m.Args[i]);
                }
                sb.Append(')');
                break;
            case RuleNode.Not not:
                sb.Append('!');
                WriteOperand(sb, not.Operand, wrap: not.Operand is RuleNode.And or RuleNode.Or);
                break;
            case RuleNode.And and:
                // Left-associative: a left child of the same operator needs no parentheses, a right one does.
                WriteOperand(sb, and.Left, wrap: and.Left is RuleNode.Or);
                sb.Append(" && ");
                WriteOperand(sb, and.Right, wrap: and.Right is RuleNode.Or or RuleNode.And);
                break;
            case RuleNode.Or or:
                WriteOperand(sb, or.Left, wrap: false);
                sb.Append(" || ");
                WriteOperand(sb, or.Right, wrap: or.Right is RuleNode.Or);
                break;
            default:
                throw new ArgumentException($"unknown rule node {node.GetType().Name}", nameof(node));
        }
    }

    private static void WriteOperand(StringBuilder sb, RuleNode node, bool wrap)
    {
        if (wrap)
        {
            sb.Append('(');
        }
        Write(sb, node);
        if (wrap)
        {
            sb.Append(')');
        }
    }

    private static void WriteString(StringBuilder sb, string value)
    {
        if (!value.Contains('`') && !value.Contains('\r'))
        {
            sb.Append('`').Append(value).Append('`');
            return;
        }

        GoQuoting.Quote(sb, value);
    }
}
