using System.Net;
using Switchyard.Routing.Tcp;

namespace Switchyard.Routing.Tests.Tcp;

/// <summary>TCP rules as Traefik's pkg/muxer/tcp evaluates them.</summary>
public sealed class TcpRuleTests
{
    private static bool Matches(string rule, string sni, string ip = "10.1.2.3", params string[] alpn)
    {
        var (parsed, error) = TcpRuleParser.Parse(rule);
        Assert.That(error, Is.Null, rule);
        return parsed!.Matcher.Matches(new TcpConnectionInfo(TcpConnectionInfo.CanonicalServerName(sni), IPAddress.Parse(ip), alpn));
    }

    [TestCase("HostSNI(`*`)", "", true)]
    [TestCase("HostSNI(`*`)", "any.example", true)]
    [TestCase("HostSNI(`db.example.com`)", "DB.Example.com.", true)]
    [TestCase("HostSNI(`db.example.com`)", "", false)]
    [TestCase("HostSNI(`*.example.com`)", "a.example.com", true)]
    [TestCase("HostSNI(`*.example.com`)", "a.b.example.com", false)]
    [TestCase("HostSNI(`*.example.com`)", "example.com", false)]
    [TestCase("HostSNIRegexp(`^db-[0-9]+\\.example$`)", "db-12.example", true)]
    [TestCase("HostSNIRegexp(`^db-[0-9]+\\.example$`)", "db-x.example", false)]
    [TestCase("hostsni(`a`) || HOSTSNI(`b`)", "b", true)]
    [TestCase("HostSNI(`a`) && !ClientIP(`10.0.0.0/8`)", "a", false)]
    [TestCase("HostSNI(`a`) && !ClientIP(`192.168.0.0/16`)", "a", true)]
    public void Sni_and_client_ip(string rule, string sni, bool expected) => Assert.That(Matches(rule, sni), Is.EqualTo(expected));

    [Test]
    public void Alpn_matches_one_of_the_offered_protocols()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Matches("ALPN(`h2`)", "x", "10.0.0.1", "http/1.1", "h2"), Is.True);
            Assert.That(Matches("ALPN(`h2`)", "x", "10.0.0.1", "http/1.1"), Is.False);
        });
    }

    [TestCase("Host(`a`)", "HTTP matcher")]
    [TestCase("HostSNI(`a`, `b`)", "exactly one argument")]
    [TestCase("HostSNI(`a b`)", "not a valid hostname")]
    [TestCase("ALPN(`acme-tls/1`)", "not allowed")]
    [TestCase("ClientIP(`300.0.0.1`)", "")]
    [TestCase("HostSNIRegexp(`(`)", "")]
    public void Invalid_rules_are_refused_with_a_reason(string rule, string reason)
    {
        var (parsed, error) = TcpRuleParser.Parse(rule);
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.Null);
            Assert.That(error, Does.Contain(reason));
        });
    }

    [Test]
    public void The_lone_catch_all_has_priority_minus_one_and_other_rules_their_length()
    {
        var (catchAll, _) = TcpRuleParser.Parse("HostSNI(`*`)");
        var (both, _) = TcpRuleParser.Parse("HostSNI(`*`) && ClientIP(`10.0.0.0/8`)");
        Assert.Multiple(() =>
        {
            Assert.That(catchAll!.IsCatchAll, Is.True);
            Assert.That(TcpRuleParser.DefaultPriority("HostSNI(`*`)", catchAll.IsCatchAll), Is.EqualTo(-1));
            Assert.That(both!.IsCatchAll, Is.False);
            Assert.That(TcpRuleParser.DefaultPriority("HostSNI(`*`) && ClientIP(`10.0.0.0/8`)", both.IsCatchAll), Is.EqualTo(38));
            Assert.That(both.Domains, Is.EqualTo(new[] { "*" }));
        });
    }
}
