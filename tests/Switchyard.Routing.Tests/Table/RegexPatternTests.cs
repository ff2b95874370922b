using System.Text.RegularExpressions;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Table;

/// <summary>
/// Issue 17.2 / 13.2: every regex from config is compiled by the compiler, runs on a linear-time engine, and a
/// pattern it cannot run is a compiler diagnostic on its field (what validate reports, run would have disabled).
/// </summary>
public class RegexPatternTests
{
    private static CompileResult Compile(string middlewareSpec) => RoutingCompiler.Compile(ManifestLoader.LoadText($$"""
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          entryPoints: [web]
          routes:
            - kind: Rule
              match: PathRegexp(`^/(a+)+$`)
              middlewares: [{name: mw}]
              services: [{name: whoami, port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: default}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: mw, namespace: default}
        spec:
        {{middlewareSpec}}
        """, "test.yaml"));

    [TestCase("  stripPrefixRegex: {regex: ['/(?=x)']}", "spec.stripPrefixRegex.regex[0]")]
    [TestCase("  replacePathRegex: {regex: '^/(a)\\1', replacement: /b}", "spec.replacePathRegex.regex")]
    [TestCase("  redirectRegex: {regex: '(?>a+)', replacement: /b}", "spec.redirectRegex.regex")]
    [TestCase("  headers: {accessControlAllowOriginListRegex: ['(?<=x)y']}", "spec.headers.accessControlAllowOriginListRegex[0]")]
    [TestCase("  forwardAuth: {address: 'http://auth', authResponseHeadersRegex: '(?!X-)'}", "spec.forwardAuth.authResponseHeadersRegex")]
    public void ARegexRe2RefusesIsADiagnosticOnItsField(string spec, string field)
    {
        var result = Compile(spec);
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Field), Does.Contain(field),
            string.Join("\n", result.Diagnostics.Select(d => d.Format())));
    }

    [TestCase("  circuitBreaker: {expression: 'NetworkErrorRatio() > 0.5 &&'}", "spec.circuitBreaker.expression", "position 29")]
    [TestCase("  circuitBreaker: {expression: 'LatencyAtQuantileMS(150) > 100'}", "spec.circuitBreaker.expression", "quantile")]
    [TestCase("  circuitBreaker: {expression: 'NetworkErrorRatio() > 0.5', responseCode: 42}", "spec.circuitBreaker.responseCode", "HTTP status")]
    public void ValidateReportsWhatRunWouldHaveDisabled(string spec, string field, string reason)
    {
        // These were found only when the data plane built the table: the route answered 503 and validate said 0 errors.
        var result = Compile(spec);
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error && d.Field == field).Select(d => d.Message),
            Has.Some.Contain(reason), string.Join("\n", result.Diagnostics.Select(d => d.Format())));
    }

    [Test]
    public void EveryConfigRegexRunsOnTheLinearTimeEngine()
    {
        var table = Compile("  replacePathRegex: {regex: '^/old/(.*)', replacement: /new/$1}").Table;
        var config = (ReplacePathRegexConfig)table.Middlewares["default-mw"];
        Assert.Multiple(() =>
        {
            Assert.That(config.Regex.Regex.Options.HasFlag(RegexOptions.NonBacktracking), Is.True);
            Assert.That(config.Regex.Regex.MatchTimeout, Is.EqualTo(RegexPattern.MatchTimeout));
            Assert.That(RegexPattern.Parse("^/(a+)+$").Regex.Options.HasFlag(RegexOptions.NonBacktracking), Is.True);
        });
    }

    [Test]
    public void ANestedQuantifierOnAHostilePathIsLinear()
    {
        // The classic catastrophic pattern: a backtracking engine tries 2^n splits of n a's before failing.
        var regex = RegexPattern.Parse("^/(a+)+$").Regex;
        var hostile = "/" + new string('a', 100_000) + "!";
        Assert.Multiple(() =>
        {
            Assert.That(regex.IsMatch(hostile), Is.False); // would throw RegexMatchTimeoutException when backtracking
            Assert.That(regex.IsMatch("/aaa"), Is.True);
        });
    }

    [Test]
    public void GoDialectIsKept()
    {
        // Go's $ (outside multi-line mode) is the very end; named groups use (?P<name>...).
        var dollar = RegexPattern.Parse("^/a$").Regex;
        var named = RegexPattern.Parse("^/(?P<v>[0-9]+)").Regex;
        Assert.Multiple(() =>
        {
            Assert.That(dollar.IsMatch("/a\n"), Is.False);
            Assert.That(named.Match("/42").Groups["v"].Value, Is.EqualTo("42"));
        });
    }
}
