using System.Collections.Immutable;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tcp;

/// <summary>A parsed TCP rule: the compiled matcher, the SNI names it claims, and whether it is the HostSNI(`*`) catch-all.</summary>
/// <param name="Domains">Arguments of every HostSNI matcher in the rule (Traefik's ParseHostSNI).</param>
/// <param name="IsCatchAll">Exactly <c>HostSNI(`*`)</c>: Traefik gives it priority -1 and tries it after specific routers.</param>
public sealed record TcpRule(TcpRuleMatcher Matcher, ImmutableArray<string> Domains, bool IsCatchAll);

/// <summary>Parses TCP router rules with the shared grammar and the TCP matchers.</summary>
public static class TcpRuleParser
{
    /// <summary>The rule, or the error message with its 1-based column.</summary>
    public static (TcpRule? Rule, string? Error) Parse(string rule)
    {
        var parsed = RuleParser.Parse(rule, "v3", TcpMatcherLanguage.Instance);
        if (parsed.Error is { } error)
        {
            return (null, $"{error.Message} (column {error.Column} of `{rule}`)");
        }

        var tree = parsed.Expression!;
        var domains = ImmutableArray.CreateBuilder<string>();
        Collect(tree, domains);
        var catchAll = tree is RuleNode.Matcher { Name: TcpMatcherLanguage.HostSni } m && m.Args[0] == "*";
        return (new TcpRule(TcpRuleMatcher.Compile(tree), domains.ToImmutable(), catchAll), null);
    }

    /// <summary>Traefik's GetRulePriority: the rule's length, except -1 for the lone HostSNI(`*`).</summary>
    public static int DefaultPriority(string rule, bool isCatchAll) => isCatchAll ? -1 : RulePriority.Of(rule);

    private static void Collect(RuleNode node, ImmutableArray<string>.Builder domains)
    {
        switch (node)
        {
            case RuleNode.And and:
                Collect(and.Left, domains);
                Collect(and.Right, domains);
                break;
            case RuleNode.Or or:
                Collect(or.Left, domains);
                Collect(or.Right, domains);
                break;
            case RuleNode.Not not:
                Collect(not.Operand, domains);
                break;
            case RuleNode.Matcher { Name: TcpMatcherLanguage.HostSni } m:
                domains.Add(m.Args[0]);
                break;
        }
    }
}
