using System.Net;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

public class RuleMatcherTests
{
    private static bool Matches(string rule, IRequestFacts request) => Compile(rule).Matches(request);

    private static IRuleMatcher Compile(string rule)
    {
        var parsed = RuleParser.Parse(rule);
        Assert.That(parsed.Error, Is.Null, parsed.Error?.ToString());
        return RuleMatcherCompiler.Compile(parsed.Expression!);
    }

    [TestCase("example.com", true)]
    [TestCase("EXAMPLE.COM", true)]
    [TestCase("Example.Com", true)]
    [TestCase("example.com:8080", true)]
    [TestCase("example.com.", true)]
    [TestCase("example.org", false)]
    [TestCase("www.example.com", false)]
    [TestCase("example.com..", false)]
    [TestCase("", false)]
    public void HostIsCaseInsensitiveWithoutPort(string host, bool expected) =>
        Assert.That(Matches("Host(`example.com`)", TestRequest.For(host)), Is.EqualTo(expected));

    [TestCase("example.com", true)]
    [TestCase("example.com.", true)]
    [TestCase("example.org", false)]
    public void HostWithTrailingDotMatchesBothForms(string host, bool expected) =>
        Assert.That(Matches("Host(`EXAMPLE.com.`)", TestRequest.For(host)), Is.EqualTo(expected));

    // Traefik v3.7 DomainMatchHostExpression: a leading * replaces exactly the first label.
    [TestCase("a.example.com", true)]
    [TestCase("A.Example.COM:8443", true)]
    [TestCase("a.example.com.", true)]
    [TestCase("a.b.example.com", false)]
    [TestCase("example.com", false)]
    [TestCase("aexample.com", false)]
    [TestCase("a.example.org", false)]
    [TestCase("", false)]
    public void HostWildcardMatchesExactlyOneLabel(string host, bool expected) =>
        Assert.That(Matches("Host(`*.example.com`)", TestRequest.For(host)), Is.EqualTo(expected));

    [TestCase("a.example.com", true)]
    [TestCase("localhost", true)]
    [TestCase("10.0.0.1:80", true)]
    [TestCase("", true)]
    public void HostStarMatchesEveryHost(string host, bool expected) =>
        Assert.That(Matches("Host(`*`)", TestRequest.For(host)), Is.EqualTo(expected));

    [TestCase("[::1]:8443", true)]
    [TestCase("[::1]", true)]
    [TestCase("::1", true)]
    [TestCase("[::2]", false)]
    public void HostMatchesIpv6Literals(string host, bool expected) =>
        Assert.That(Matches("Host(`::1`)", TestRequest.For(host)), Is.EqualTo(expected));

    [TestCase("example.com", true)]
    [TestCase("EXAMPLE.COM:8080", true)]
    [TestCase("api.example.com", true)]
    [TestCase("example.org", false)]
    public void HostRegexpMatchesTheLowerCasedHostUnanchored(string host, bool expected) =>
        Assert.That(Matches("HostRegexp(`example\\.com$`)", TestRequest.For(host)), Is.EqualTo(expected));

    [Test]
    public void HostRegexpIsCaseSensitiveOnTheLowerCasedHost()
    {
        Assert.That(Matches("HostRegexp(`^[A-Z]+\\.com$`)", TestRequest.For("EXAMPLE.com")), Is.False);
        Assert.That(Matches("HostRegexp(`^[a-z]+\\.com$`)", TestRequest.For("EXAMPLE.com")), Is.True);
        Assert.That(Matches("HostRegexp(`{domain:[a-z]+}`)", TestRequest.For("example.com")), Is.False, "v2 template syntax is literal in v3");
    }

    [TestCase("/css", true)]
    [TestCase("/css/", false)]
    [TestCase("/CSS", false)]
    [TestCase("/css/main.css", false)]
    public void PathIsExact(string path, bool expected) =>
        Assert.That(Matches("Path(`/css`)", TestRequest.For(path: path)), Is.EqualTo(expected));

    [TestCase("/css", true)]
    [TestCase("/css/main.css", true)]
    [TestCase("/cssx", true)]
    [TestCase("/CSS", false)]
    [TestCase("/", false)]
    public void PathPrefixIsAPlainStringPrefix(string path, bool expected) =>
        Assert.That(Matches("PathPrefix(`/css`)", TestRequest.For(path: path)), Is.EqualTo(expected));

    [TestCase("/css", true)]
    [TestCase("/js/main.js", true)]
    [TestCase("/x/css", false)]
    [TestCase("/CSS", false)]
    public void PathRegexpIsUnanchoredUnlessTheRuleAnchors(string path, bool expected) =>
        Assert.That(Matches("PathRegexp(`^/(css|js)`)", TestRequest.For(path: path)), Is.EqualTo(expected));

    [Test]
    public void PathRegexpWithoutAnchorFindsAnywhere() =>
        Assert.That(Matches("PathRegexp(`css`)", TestRequest.For(path: "/x/css/y")), Is.True);

    [Test]
    public void RegexDollarMeansEndOfTextAsInGo()
    {
        Assert.That(Matches("PathRegexp(`^/admin$`)", TestRequest.For(path: "/admin")), Is.True);
        Assert.That(Matches("PathRegexp(`^/admin$`)", TestRequest.For(path: "/admin\n")), Is.False, ".NET's $ alone would match before a final newline");
        Assert.That(Matches("PathRegexp(`^/admin[$]`)", TestRequest.For(path: "/admin$")), Is.True);
        Assert.That(Matches("PathRegexp(`^/admin\\$`)", TestRequest.For(path: "/admin$")), Is.True);
        Assert.That(Matches("PathRegexp(`(?m)^/admin$`)", TestRequest.For(path: "/admin\nx")), Is.True, "multi-line mode keeps end-of-line anchors");
    }

    [Test]
    public void GoNamedGroupsWork() =>
        Assert.That(Matches("PathRegexp(`^/users/(?P<id>[0-9]+)$`)", TestRequest.For(path: "/users/42")), Is.True);

    [Test]
    public void HeaderMatchesAnyValueExactly()
    {
        var rule = "Header(`x-forwarded-proto`, `https`)";
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Proto", "https")), Is.True);
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Proto", "http").WithHeader("X-Forwarded-Proto", "https")), Is.True);
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Proto", "HTTPS")), Is.False);
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Host", "https")), Is.False);
        Assert.That(Matches(rule, TestRequest.For()), Is.False);
    }

    [Test]
    public void HeaderRegexpMatchesAnyValue()
    {
        var rule = "HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)";
        Assert.That(Matches(rule, TestRequest.For().WithHeader("x-forwarded-proto", "http")), Is.True);
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Proto", "ws").WithHeader("X-Forwarded-Proto", "https")), Is.True);
        Assert.That(Matches(rule, TestRequest.For().WithHeader("X-Forwarded-Proto", "HTTPS")), Is.False);
    }

    [TestCase("GET", true)]
    [TestCase("POST", false)]
    public void MethodIsUpperCasedFromTheRule(string method, bool expected)
    {
        Assert.That(Matches("Method(`get`)", TestRequest.For(method: method)), Is.EqualTo(expected));
        Assert.That(Matches("Method(`GET`)", TestRequest.For(method: method)), Is.EqualTo(expected));
    }

    [TestCase("", false)]
    [TestCase("q=traefik", true)]
    [TestCase("rel=ddg&q=traefik", true)]
    [TestCase("q=awesome&q=traefik", true)]
    [TestCase("q=TRAEFIK", false)]
    [TestCase("Q=traefik", false)]
    [TestCase("rel=traefik", false)]
    public void QueryWithValue(string query, bool expected) =>
        Assert.That(Matches("Query(`q`, `traefik`)", new TestRequest { Query = query }), Is.EqualTo(expected));

    [TestCase("", false)]
    [TestCase("mobile", true)]
    [TestCase("mobile=", true)]
    [TestCase("mobile=true", false)]
    public void QueryWithoutValueNeedsAnEmptyValue(string query, bool expected)
    {
        Assert.That(Matches("Query(`mobile`)", new TestRequest { Query = query }), Is.EqualTo(expected));
        Assert.That(Matches("QueryRegexp(`mobile`)", new TestRequest { Query = query }), Is.EqualTo(expected));
    }

    [TestCase("q=traefik", true)]
    [TestCase("q=nginx&q=proxy", true)]
    [TestCase("q=haproxy", false)]
    [TestCase("q=TRAEFIK", false)]
    [TestCase("rel=nginx", false)]
    public void QueryRegexp(string query, bool expected) =>
        Assert.That(Matches("QueryRegexp(`q`, `^(traefik|nginx)$`)", new TestRequest { Query = query }), Is.EqualTo(expected));

    [TestCase("ClientIP(`127.0.0.1`)", "127.0.0.1", true)]
    [TestCase("ClientIP(`127.0.0.1`)", "127.0.0.2", false)]
    [TestCase("ClientIP(`192.168.1.0/24`)", "192.168.1.100", true)]
    [TestCase("ClientIP(`192.168.1.0/24`)", "192.168.2.1", false)]
    [TestCase("ClientIP(`192.168.1.7/24`)", "192.168.1.1", true)]
    [TestCase("ClientIP(`0.0.0.0/0`)", "8.8.8.8", true)]
    [TestCase("ClientIP(`0.0.0.0/0`)", "::1", false)]
    [TestCase("ClientIP(`10.0.0.0/8`)", "::ffff:10.1.2.3", true)]
    [TestCase("ClientIP(`::ffff:10.0.0.0/104`)", "10.9.9.9", true)]
    [TestCase("ClientIP(`::ffff:10.0.0.0/104`)", "11.9.9.9", false)]
    [TestCase("ClientIP(`::1`)", "::1", true)]
    [TestCase("ClientIP(`::1`)", "127.0.0.1", false)]
    [TestCase("ClientIP(`2001:db8::/32`)", "2001:db8:1::5", true)]
    [TestCase("ClientIP(`2001:db8::/32`)", "2001:db9::5", false)]
    [TestCase("ClientIP(`::/0`)", "2001:db9::5", true)]
    public void ClientIpMatchesTheSocketAddress(string rule, string address, bool expected) =>
        Assert.That(Matches(rule, new TestRequest { ClientAddress = IPAddress.Parse(address) }), Is.EqualTo(expected));

    [Test]
    public void ClientIpWithoutAddressDoesNotMatch() =>
        Assert.That(Matches("ClientIP(`0.0.0.0/0`)", new TestRequest { ClientAddress = null }), Is.False);

    [Test]
    public void OperatorsCombine()
    {
        const string rule = "Host(`a.com`) && (PathPrefix(`/api`) || Path(`/health`)) && !Method(`DELETE`)";
        Assert.That(Matches(rule, TestRequest.For("a.com", "/api/x")), Is.True);
        Assert.That(Matches(rule, TestRequest.For("a.com", "/health")), Is.True);
        Assert.That(Matches(rule, TestRequest.For("a.com", "/healthz")), Is.False);
        Assert.That(Matches(rule, TestRequest.For("b.com", "/api/x")), Is.False);
        Assert.That(Matches(rule, TestRequest.For("a.com", "/api/x", "DELETE")), Is.False);
    }

    [Test]
    public void CompilingAnInvalidHandBuiltTreeThrows() =>
        Assert.Throws<ArgumentException>(() => RuleMatcherCompiler.Compile(new RuleNode.Matcher("Path", "no-slash")));

    [Test]
    public void HandBuiltRegexMatcherCompiles() =>
        Assert.That(RuleMatcherCompiler.Compile(new RuleNode.Matcher("PathRegexp", "^/a")).Matches(TestRequest.For(path: "/ab")), Is.True);

    [Test]
    public void MatchingAllocatesNothing()
    {
        var matcher = Compile(
            "Host(`example.com`) && PathPrefix(`/api`) && HostRegexp(`^example`) && PathRegexp(`/api/[0-9]+`) && Header(`X-A`, `b`) && Query(`q`, `1`) && Method(`GET`) && ClientIP(`10.0.0.0/8`)");
        var request = new TestRequest
        {
            Host = "EXAMPLE.com",
            Path = "/api/42",
            ClientAddress = IPAddress.Parse("10.1.2.3"),
            Headers = [new("x-a", "b")],
            Query = "q=1",
        };
        var noQuery = request with { Query = "" };
        Assert.That(matcher.Matches(request), Is.True);

        // Measure only the matcher's own work: the test request's query parsing allocates, so use a request
        // without a query for the allocation check (the Query matcher still runs its precompiled predicate).
        var hostPath = Compile(
            "Host(`example.com`) && PathPrefix(`/api`) && HostRegexp(`^example`) && PathRegexp(`/api/[0-9]+`) && Header(`X-A`, `b`) && Method(`GET`) && ClientIP(`10.0.0.0/8`) && !Query(`q`, `1`)");
        Assert.That(hostPath.Matches(noQuery), Is.True);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            hostPath.Matches(noQuery);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
