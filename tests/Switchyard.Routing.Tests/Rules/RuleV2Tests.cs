using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

public class RuleV2Tests
{
    private static string V3(string v2Rule)
    {
        var result = RuleParser.Parse(v2Rule, syntax: "v2");
        Assert.That(result.Error, Is.Null, result.Error?.ToString());
        return RulePrinter.Print(result.Expression!);
    }

    [TestCase("Host(`a.com`, `b.com`)", "Host(`a.com`) || Host(`b.com`)")]
    [TestCase("HostHeader(`a.com`)", "Host(`a.com`)")]
    [TestCase("Method(`GET`, `post`)", "Method(`GET`) || Method(`post`)")]
    [TestCase("ClientIP(`10.0.0.0/8`, `::1`)", "ClientIP(`10.0.0.0/8`) || ClientIP(`::1`)")]
    [TestCase("Path(`/a`, `/b`)", "Path(`/a`) || Path(`/b`)")]
    [TestCase("PathPrefix(`/api`)", "PathPrefix(`/api`)")]
    [TestCase("Path(`/users/{id:[0-9]+}`)", "PathRegexp(`^/users/([0-9]+)$`)")]
    [TestCase("PathPrefix(`/v{n}/x.y`)", "PathRegexp(`^/v([^/]+)/x\\.y`)")]
    [TestCase("HostRegexp(`{sub:[a-z]+}.example.com`)", "HostRegexp(`^([a-z]+)\\.example\\.com$`)")]
    [TestCase("HostRegexp(`example.com`, `{any}.org`)", "HostRegexp(`^example\\.com$`) || HostRegexp(`^([^.]+)\\.org$`)")]
    [TestCase("Headers(`X-A`, `1`)", "Header(`X-A`, `1`)")]
    [TestCase("HeadersRegexp(`X-A`, `^1`)", "HeaderRegexp(`X-A`, `^1`)")]
    [TestCase("Query(`q=traefik`, `mobile=`)", "Query(`q`, `traefik`) || QueryRegexp(`mobile`, `^`)")]
    [TestCase("Query(`id={id:[0-9]+}`)", "QueryRegexp(`id`, `^([0-9]+)$`)")]
    [TestCase("host(`a`) && !PATHPREFIX(`/x`)", "Host(`a`) && !PathPrefix(`/x`)")]
    public void V2RulesBecomeTheirV3Equivalent(string v2, string v3) => Assert.That(V3(v2), Is.EqualTo(v3));

    [Test]
    public void V2RulesMatchLikeTraefikV2()
    {
        var matcher = RuleMatcherCompiler.Compile(RuleParser.Parse("Host(`a.com`, `b.com`) && Path(`/users/{id:[0-9]+}`)", "v2").Expression!);
        Assert.That(matcher.Matches(TestRequest.For("b.com", "/users/42")), Is.True);
        Assert.That(matcher.Matches(TestRequest.For("b.com", "/users/x")), Is.False);
        Assert.That(matcher.Matches(TestRequest.For("c.com", "/users/42")), Is.False);
        var host = RuleMatcherCompiler.Compile(RuleParser.Parse("HostRegexp(`{sub:[a-z]+}.example.com`)", "v2").Expression!);
        Assert.That(host.Matches(TestRequest.For("API.example.com:443")), Is.True);
        Assert.That(host.Matches(TestRequest.For("a.b.example.com")), Is.False);
    }

    [TestCase("Header(`X`, `1`)", 1, "unknown v2 matcher 'Header' (Header is v3 syntax)")]
    [TestCase("Host()", 1, "Host needs at least one argument")]
    [TestCase("Host(`a`, ``)", 11, "Host: empty argument")]
    [TestCase("Headers(`X`)", 1, "Headers takes 2 arguments (a header name and a value), got 1")]
    [TestCase("Path(`/a/{`)", 6, "Path: unbalanced braces in '/a/{'")]
    [TestCase("Path(`/a/{:x}`)", 6, "Path: missing name or pattern in '{:x}'")]
    [TestCase("Path(`a`)", 6, "Path: the path must start with '/'")]
    [TestCase("Query(`q`)", 7, "Query: 'q' is not key=value")]
    [TestCase("ClientIP(`1.1.1.1`, `x`)", 21, "ClientIP: 'x' is not an IP address or CIDR block")]
    public void V2ErrorsHaveColumns(string rule, int column, string message)
    {
        var error = RuleParser.Parse(rule, "v2").Error;
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Message, Is.EqualTo(message));
        Assert.That(error.Column, Is.EqualTo(column));
    }
}
