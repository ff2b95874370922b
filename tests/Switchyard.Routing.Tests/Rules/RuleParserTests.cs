using Switchyard.Routing.Rules;
using M = Switchyard.Routing.Rules.RuleNode.Matcher;

namespace Switchyard.Routing.Tests.Rules;

public class RuleParserTests
{
    private static RuleNode Ok(string rule)
    {
        var result = RuleParser.Parse(rule);
        Assert.That(result.Error, Is.Null, $"rule {rule}: {result.Error}");
        Assert.That(result.Expression, Is.Not.Null);
        return result.Expression!;
    }

    private static RuleSyntaxError Fails(string rule)
    {
        var result = RuleParser.Parse(rule);
        Assert.That(result.Expression, Is.Null, $"rule {rule} parsed as {result.Expression}");
        Assert.That(result.Error, Is.Not.Null);
        return result.Error!;
    }

    [TestCase("Host(`example.com`)", "Host", new[] { "example.com" })]
    [TestCase("HostRegexp(`^.+\\.example\\.com$`)", "HostRegexp", new[] { "^.+\\.example\\.com$" })]
    [TestCase("Path(`/a/b`)", "Path", new[] { "/a/b" })]
    [TestCase("PathPrefix(`/api`)", "PathPrefix", new[] { "/api" })]
    [TestCase("PathRegexp(`^/(css|js)`)", "PathRegexp", new[] { "^/(css|js)" })]
    [TestCase("Header(`X-Env`, `prod`)", "Header", new[] { "X-Env", "prod" })]
    [TestCase("HeaderRegexp(`X-Env`, `^pr`)", "HeaderRegexp", new[] { "X-Env", "^pr" })]
    [TestCase("Method(`POST`)", "Method", new[] { "POST" })]
    [TestCase("Query(`mobile`)", "Query", new[] { "mobile" })]
    [TestCase("Query(`q`, `traefik`)", "Query", new[] { "q", "traefik" })]
    [TestCase("QueryRegexp(`q`, `^t`)", "QueryRegexp", new[] { "q", "^t" })]
    [TestCase("QueryRegexp(`q`)", "QueryRegexp", new[] { "q" })]
    [TestCase("ClientIP(`10.0.0.1`)", "ClientIP", new[] { "10.0.0.1" })]
    [TestCase("ClientIP(`10.0.0.0/8`)", "ClientIP", new[] { "10.0.0.0/8" })]
    [TestCase("ClientIP(`2001:db8::/32`)", "ClientIP", new[] { "2001:db8::/32" })]
    [TestCase("ClientIP(`::1`)", "ClientIP", new[] { "::1" })]
    public void ParsesEveryMatcher(string rule, string name, string[] args) =>
        Assert.That(Ok(rule), Is.EqualTo(new M(name, args)));

    [TestCase("PathPrefix(`/a`)")]
    [TestCase("pathprefix(`/a`)")]
    [TestCase("PATHPREFIX(`/a`)")]
    [TestCase("Pathprefix(`/a`)")]
    public void AcceptsTraefiksCaseForms(string rule) => Assert.That(Ok(rule), Is.EqualTo(new M("PathPrefix", "/a")));

    [TestCase("clientip(`1.2.3.4`)", "ClientIP")]
    [TestCase("CLIENTIP(`1.2.3.4`)", "ClientIP")]
    [TestCase("Clientip(`1.2.3.4`)", "ClientIP")]
    [TestCase("hostregexp(`a`)", "HostRegexp")]
    [TestCase("Hostregexp(`a`)", "HostRegexp")]
    public void CaseFormsResolveToTheCanonicalName(string rule, string name) =>
        Assert.That(((M)Ok(rule)).Name, Is.EqualTo(name));

    [TestCase("pathPrefix(`/a`)", "unknown matcher 'pathPrefix': write PathPrefix, pathprefix, PATHPREFIX, Pathprefix")]
    [TestCase("hOST(`a`)", "unknown matcher 'hOST': write Host, host, HOST")]
    [TestCase("Hots(`a`)", "unknown matcher 'Hots' (matchers: ClientIP, Header, HeaderRegexp, Host, HostRegexp, Method, Path, PathPrefix, PathRegexp, Query, QueryRegexp)")]
    [TestCase("Headers(`a`, `b`)", "unknown matcher 'Headers': that is v2 syntax, v3 calls it Header")]
    public void RejectsOtherSpellings(string rule, string message)
    {
        var error = Fails(rule);
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(error.Column, Is.EqualTo(1));
    }

    [Test]
    public void QuotedStringExpectedReportsTheColumnOfTheBadArgument()
    {
        // H=1 … '(' of PathPrefix is column 24, '/' column 25. (Counting the C# backslash escapes gives 27.)
        var error = Fails("Host(`a`) && PathPrefix(/x)");
        Assert.That(error.ToString(), Is.EqualTo("expected a quoted string at column 25"));
        Assert.That(error.Column, Is.EqualTo(25));
        Assert.That(error.Message, Is.EqualTo("expected a quoted string"));
    }

    [Test]
    public void PrecedenceIsNotThenAndThenOr()
    {
        var a = new M("Host", "a");
        var b = new M("Path", "/b");
        var c = new M("Method", "GET");
        Assert.That(Ok("Host(`a`) || Path(`/b`) && Method(`GET`)"), Is.EqualTo(new RuleNode.Or(a, new RuleNode.And(b, c))));
        Assert.That(Ok("Host(`a`) && Path(`/b`) || Method(`GET`)"), Is.EqualTo(new RuleNode.Or(new RuleNode.And(a, b), c)));
        Assert.That(Ok("!Host(`a`) && Path(`/b`)"), Is.EqualTo(new RuleNode.And(new RuleNode.Not(a), b)));
        Assert.That(Ok("!(Host(`a`) && Path(`/b`))"), Is.EqualTo(new RuleNode.Not(new RuleNode.And(a, b))));
        Assert.That(Ok("(Host(`a`) || Path(`/b`)) && Method(`GET`)"), Is.EqualTo(new RuleNode.And(new RuleNode.Or(a, b), c)));
        Assert.That(Ok("!!Host(`a`)"), Is.EqualTo(new RuleNode.Not(new RuleNode.Not(a))));
    }

    [Test]
    public void OperatorsAreLeftAssociative()
    {
        var a = new M("Host", "a");
        var b = new M("Host", "b");
        var c = new M("Host", "c");
        Assert.That(Ok("Host(`a`) && Host(`b`) && Host(`c`)"), Is.EqualTo(new RuleNode.And(new RuleNode.And(a, b), c)));
        Assert.That(Ok("Host(`a`) || Host(`b`) || Host(`c`)"), Is.EqualTo(new RuleNode.Or(new RuleNode.Or(a, b), c)));
        Assert.That(Ok("Host(`a`) && (Host(`b`) && Host(`c`))"), Is.EqualTo(new RuleNode.And(a, new RuleNode.And(b, c))));
    }

    [Test]
    public void WhitespaceIsFree() =>
        Assert.That(Ok(" \tHost ( `a` ,\n ) ".Replace(",\n )", ")", StringComparison.Ordinal)), Is.EqualTo(new M("Host", "a")));

    [Test]
    public void DoubleQuotedStringsUnderstandGoEscapes()
    {
        Assert.That(Ok("Host(\"example.com\")"), Is.EqualTo(new M("Host", "example.com")));
        Assert.That(Ok("Header(\"X-A\", \"a\\\"b\\\\c\\td\\u00e9\\x41\\101\")"), Is.EqualTo(new M("Header", "X-A", "a\"b\\c\td\u00e9AA")));
        Assert.That(Ok("Path(\"/a`b\")"), Is.EqualTo(new M("Path", "/a`b")));
    }

    [Test]
    public void BacktickStringsAreRaw()
    {
        Assert.That(Ok("PathRegexp(`^/a\\d+\"x`)"), Is.EqualTo(new M("PathRegexp", "^/a\\d+\"x")));
        Assert.That(Ok("Header(`X`, `a\r\nb`)"), Is.EqualTo(new M("Header", "X", "a\nb")), "Go drops CR from raw strings");
    }

    [TestCase("", 1, "empty rule")]
    [TestCase("   ", 1, "empty rule")]
    [TestCase("Host", 5, "expected '(' after Host, but the rule ended")]
    [TestCase("Host(`a`", 9, "expected ',' or ')' after an argument of Host, but the rule ended")]
    [TestCase("Host(`a`) Path(`/`)", 11, "expected && or || between matchers, found 'Path'")]
    [TestCase("Host(`a`) &&", 13, "unexpected end of rule, expected a matcher such as Host(`example.com`)")]
    [TestCase("Host(`a`) & Path(`/`)", 11, "expected '&&' (a single '&' is not an operator)")]
    [TestCase("Host(`a`) | Path(`/`)", 11, "expected '||' (a single '|' is not an operator)")]
    [TestCase("Host(`a`) and Path(`/`)", 11, "expected && or || between matchers, found 'and'")]
    [TestCase("(Host(`a`)", 11, "expected ')' to close the '(' at column 1, but the rule ended")]
    [TestCase("Host(`a`))", 10, "expected && or || between matchers, found ')'")]
    [TestCase("Host('a')", 6, "strings are quoted with backticks or double quotes, not single quotes")]
    [TestCase("Host(`a)", 6, "unterminated string (missing closing backtick)")]
    [TestCase("Host(\"a)", 6, "unterminated string (missing closing double quote)")]
    [TestCase("Path(\"/a\\.b\")", 9, "unknown escape sequence \\. (use a backtick string for regular expressions)")]
    [TestCase("`a`", 1, "expected a matcher such as Host(`example.com`), found a string")]
    [TestCase("Host(`a`,)", 10, "expected a quoted string")]
    [TestCase("Host(`a` `b`)", 10, "expected ',' or ')' after an argument of Host, found a string")]
    [TestCase("Host(a)", 6, "expected a quoted string")]
    [TestCase("Host(`a`) && #", 14, "expected a matcher such as Host(`example.com`), found '#'")]
    public void SyntaxErrorsHaveColumnAndMessage(string rule, int column, string message)
    {
        var error = Fails(rule);
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(error.Column, Is.EqualTo(column));
        Assert.That(error.ToString(), Is.EqualTo($"{message} at column {column}"));
    }

    [TestCase("Host()", 1, "Host takes 1 argument, got 0")]
    [TestCase("Host(`a`, `b`)", 1, "Host takes 1 argument, got 2 (v3 takes one value per matcher: combine several with ||)")]
    [TestCase("Header(`X`)", 1, "Header takes 2 arguments, got 1")]
    [TestCase("Query(`a`, `b`, `c`)", 1, "Query takes 1 or 2 arguments, got 3")]
    [TestCase("Path(`/a`) && Method()", 15, "Method takes 1 argument, got 0")]
    [TestCase("Host(``)", 6, "Host: empty argument")]
    [TestCase("Query(`q`, ``)", 12, "Query: empty argument")]
    [TestCase("Header(``, `v`)", 8, "Header: empty argument")]
    [TestCase("Host(`🦭.com`)", 6, "Host: non-ASCII characters are not allowed (write the punycode form, xn--…)")]
    [TestCase("Path(`css`)", 6, "Path: the path must start with '/'")]
    [TestCase("PathPrefix(`css`)", 12, "PathPrefix: the path must start with '/'")]
    [TestCase("PathRegexp(`/(css`)", 12, "PathRegexp: invalid regular expression: missing closing )")]
    [TestCase("HostRegexp(`(a`)", 12, "HostRegexp: invalid regular expression: missing closing )")]
    [TestCase("HeaderRegexp(`X`, `[a`)", 19, "HeaderRegexp: invalid regular expression: missing closing ]")]
    [TestCase("QueryRegexp(`q`, `*a`)", 18, "QueryRegexp: invalid regular expression: missing argument to repetition operator")]
    [TestCase("PathRegexp(`^/(a)\\1`)", 12, "PathRegexp: invalid regular expression: back-references are not supported (Traefik's RE2 engine refuses them)")]
    [TestCase("PathRegexp(`^/(?=a)`)", 12, "PathRegexp: invalid regular expression: look-around assertions are not supported (Traefik's RE2 engine refuses them)")]
    [TestCase("HostRegexp(`(?<!a)b`)", 12, "HostRegexp: invalid regular expression: look-around assertions are not supported (Traefik's RE2 engine refuses them)")]
    [TestCase("PathRegexp(`(?>a+)b`)", 12, "PathRegexp: invalid regular expression: atomic and conditional groups are not supported (Traefik's RE2 engine refuses them)")]
    [TestCase("ClientIP(`1`)", 10, "ClientIP: '1' is not an IP address or CIDR block")]
    [TestCase("ClientIP(`1.2.3.4/33`)", 10, "ClientIP: '1.2.3.4/33' has an invalid prefix length (0 to 32)")]
    [TestCase("ClientIP(`::1/129`)", 10, "ClientIP: '::1/129' has an invalid prefix length (0 to 128)")]
    [TestCase("ClientIP(`01.2.3.4`)", 10, "ClientIP: '01.2.3.4' is not an IP address or CIDR block")]
    [TestCase("ClientIP(`fe80::1%eth0`)", 10, "ClientIP: 'fe80::1%eth0' is not an IP address or CIDR block")]
    [TestCase("ClientIP(`a.b.c.d`)", 10, "ClientIP: 'a.b.c.d' is not an IP address or CIDR block")]
    public void MatcherArgumentsAreValidatedAtParseTime(string rule, int column, string message)
    {
        var error = Fails(rule);
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(error.Column, Is.EqualTo(column));
    }

    [Test]
    public void DeepNestingIsAnErrorNotAStackOverflow()
    {
        var deep = new string('(', 5000) + "Host(`a`)" + new string(')', 5000);
        Assert.That(Fails(deep).Message, Does.StartWith("rule nested too deeply"));
        Assert.That(Fails(new string('!', 5000) + "Host(`a`)").Message, Does.StartWith("rule nested too deeply"));
        var chain = string.Join(" && ", Enumerable.Repeat("Host(`a`)", 5000));
        Assert.That(Fails(chain).Message, Does.StartWith("rule nested too deeply"));
        Assert.That(Ok(string.Join(" || ", Enumerable.Repeat("Host(`a`)", 100))), Is.Not.Null);
    }

    [Test]
    public void UnknownSyntaxIsAnError() =>
        Assert.That(RuleParser.Parse("Host(`a`)", "v4").Error!.Message, Is.EqualTo("unknown rule syntax 'v4' (expected v3 or v2)"));

    [Test]
    public void PriorityIsTheRuleLengthInUtf8Bytes()
    {
        Assert.That(RulePriority.Of("Host(`a`)"), Is.EqualTo(9));
        Assert.That(RulePriority.Of("Path(`/é`)"), Is.EqualTo(11));
        Assert.That(RulePriority.Of(""), Is.EqualTo(0));
    }

    [Test]
    public void HostNamesAreTheLiteralNonNegatedHostsLowerCased()
    {
        var rule = Ok("(Host(`A.example.com`) || Host(`b.example.com`)) && !Host(`c.example.com`) && PathPrefix(`/x`) || Host(`a.example.com`) || HostRegexp(`d`)");
        Assert.That(RuleAnalysis.HostNames(rule), Is.EqualTo(new[] { "a.example.com", "b.example.com" }));
        Assert.That(RuleAnalysis.HostNames(Ok("!!Host(`x`)")), Is.EqualTo(new[] { "x" }));
    }
}
