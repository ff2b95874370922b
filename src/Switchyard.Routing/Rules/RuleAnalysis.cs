namespace Switchyard.Routing.Rules;

/// <summary>Static questions about a rule tree (no request involved).</summary>
public static class RuleAnalysis
{
    /// <summary>
    /// The literal <c>Host()</c> values of a rule, lower-cased, de-duplicated, in order of appearance — the
    /// domains an ACME resolver asks certificates for when a router names no <c>tls.domains</c> (Traefik's
    /// ParseDomains). Hosts under a negation (<c>!Host(`a`)</c>) are left out: the router never serves them.
    /// </summary>
    public static IReadOnlyList<string> HostNames(RuleNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var hosts = new List<string>();
        Collect(node, negated: false, hosts);
        return hosts;
    }

    private static void Collect(RuleNode node, bool negated, List<string> hosts)
    {
        switch (node)
        {
            case RuleNode.And and:
                Collect(and.Left, negated, hosts);
                Collect(and.Right, negated, hosts);
                break;
            case RuleNode.Or or:
                Collect(or.Left, negated, hosts);
                Collect(or.Right, negated, hosts);
                break;
            case RuleNode.Not not:
                Collect(not.Operand, !negated, hosts);
                break;
            case RuleNode.Matcher { Name: MatcherCatalog.Host, Args: [var host] } when !negated:
                var lower = host.ToLowerInvariant();
                if (!hosts.Contains(lower, StringComparer.Ordinal))
                {
                    hosts.Add(lower);
                }
                break;
        }
    }
}

/// <summary>Traefik's default router priority.</summary>
public static class RulePriority
{
    /// <summary>
    /// The priority of a router whose priority is 0 (unset): the length of its rule — in bytes of UTF-8, as Go's
    /// <c>len(rule)</c> counts, so a rule with non-ASCII text gets the same priority as in Traefik.
    /// </summary>
    public static int Of(string rule) => string.IsNullOrEmpty(rule) ? 0 : System.Text.Encoding.UTF8.GetByteCount(rule);
}
