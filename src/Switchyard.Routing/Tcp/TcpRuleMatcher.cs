using System.Text.RegularExpressions;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tcp;

/// <summary>A compiled TCP rule: decides from what is known before the first byte is forwarded.</summary>
public abstract class TcpRuleMatcher
{
    private protected TcpRuleMatcher() { }

    public abstract bool Matches(in TcpConnectionInfo connection);

    /// <summary>Compiles a tree that <see cref="TcpRuleParser"/> accepted.</summary>
    internal static TcpRuleMatcher Compile(RuleNode node) => node switch
    {
        RuleNode.And and => new AndMatcher(Compile(and.Left), Compile(and.Right)),
        RuleNode.Or or => new OrMatcher(Compile(or.Left), Compile(or.Right)),
        RuleNode.Not not => new NotMatcher(Compile(not.Operand)),
        RuleNode.Matcher { Name: TcpMatcherLanguage.HostSni } m when m.Args[0] == "*" => AnyMatcher.Instance,
        RuleNode.Matcher { Name: TcpMatcherLanguage.HostSni } m => new HostSniMatcher(m.Args[0]),
        RuleNode.Matcher { Name: TcpMatcherLanguage.HostSniRegexp } m => new HostSniRegexpMatcher(RuleRegex.TryCreate(m.Args[0], out _)!),
        RuleNode.Matcher { Name: TcpMatcherLanguage.ClientIP } m => new ClientIpMatcher(IpRange.TryParse(m.Args[0], out var range, out _) ? range : default),
        RuleNode.Matcher { Name: TcpMatcherLanguage.Alpn } m => new AlpnMatcher(m.Args[0]),
        _ => throw new ArgumentException($"not a TCP rule node: {node}"),
    };

    private sealed class AndMatcher(TcpRuleMatcher left, TcpRuleMatcher right) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c) => left.Matches(c) && right.Matches(c);
    }

    private sealed class OrMatcher(TcpRuleMatcher left, TcpRuleMatcher right) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c) => left.Matches(c) || right.Matches(c);
    }

    private sealed class NotMatcher(TcpRuleMatcher operand) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c) => !operand.Matches(c);
    }

    /// <summary>HostSNI(`*`): every connection, TLS or not (Traefik's catch-all).</summary>
    private sealed class AnyMatcher : TcpRuleMatcher
    {
        public static readonly AnyMatcher Instance = new();

        public override bool Matches(in TcpConnectionInfo c) => true;
    }

    /// <summary>
    /// HostSNI(`a.example`) compares case-insensitively; HostSNI(`*.example`) replaces only the first label of the
    /// SNI (muxer.DomainMatchHostExpression): <c>a.example</c> matches, <c>a.b.example</c> does not. No SNI never matches.
    /// </summary>
    private sealed class HostSniMatcher(string host) : TcpRuleMatcher
    {
        private readonly string _host = host.TrimEnd('.');

        public override bool Matches(in TcpConnectionInfo c)
        {
            var sni = c.ServerName;
            if (sni.Length == 0)
            {
                return false;
            }

            if (!_host.StartsWith('*'))
            {
                return string.Equals(sni, _host, StringComparison.OrdinalIgnoreCase);
            }

            var dot = sni.IndexOf('.');
            var rest = dot < 0 ? ReadOnlySpan<char>.Empty : sni.AsSpan(dot);
            return _host.AsSpan(1).Equals(rest, StringComparison.OrdinalIgnoreCase);
        }
    }

    private sealed class HostSniRegexpMatcher(Regex regex) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c)
        {
            try
            {
                return regex.IsMatch(c.ServerName);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
    }

    private sealed class ClientIpMatcher(IpRange range) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c) => range.Contains(c.RemoteIp);
    }

    private sealed class AlpnMatcher(string protocol) : TcpRuleMatcher
    {
        public override bool Matches(in TcpConnectionInfo c)
        {
            foreach (var offered in c.AlpnProtocols)
            {
                if (string.Equals(offered, protocol, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
