using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Table;

/// <summary>
/// buffering's retryExpression is parsed by the compiler into a typed condition (oxy v2.2.0 buffer/threshold.go over
/// vulcand/predicate's Go-expression parser): what oxy accepts parses with Go's precedence, what it refuses is a
/// diagnostic on the field naming the position, and hostile sizes are refused before they can cost anything.
/// </summary>
public class RetryExpressionTests
{
    private static CompileResult Compile(string expression) => RoutingCompiler.Compile(ManifestLoader.LoadText($$"""
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          entryPoints: [web]
          routes:
            - kind: Rule
              match: PathPrefix(`/`)
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
          buffering:
            retryExpression: '{{expression.Replace("'", "''", StringComparison.Ordinal)}}'
        """, "test.yaml"));

    [Test]
    public void Precedence_is_gos_comparisons_then_and_then_or()
    {
        var condition = RetryExpression.Parse("IsNetworkError() || ResponseCode() >= 500 && Attempts() < 3").Condition;
        Assert.That(condition, Is.EqualTo(new RetryCondition.Or(
            new RetryCondition.IsNetworkError(),
            new RetryCondition.And(
                new RetryCondition.Comparison(RetryValue.ResponseCode, BreakerOperator.GreaterOrEqual, 500),
                new RetryCondition.Comparison(RetryValue.Attempts, BreakerOperator.Less, 3)))));
    }

    [TestCase("(IsNetworkError() || ResponseCode() == 503) && Attempts() <= 2")]
    [TestCase("RequestMethod() == \"GET\" && Attempts() < (3)")]
    [TestCase("RequestMethod() != `POST`")]
    [TestCase("  IsNetworkError()  ")]
    public void What_oxy_accepts_parses(string expression) =>
        Assert.That(RetryExpression.TryParse(expression, out var error), Is.Not.Null, error);

    [TestCase("Attempts()", "not a condition")]
    [TestCase("!IsNetworkError()", "unary operator !")]
    [TestCase("3 > Attempts()", "left side of >")]
    [TestCase("Attempts() < ResponseCode()", "compared with an integer")]
    [TestCase("Attempts() < 1.5", "not a decimal integer")]
    [TestCase("Attempts() < 0x10", "not a decimal integer")]
    [TestCase("ResponseCode() == \"500\"", "compared with an integer")]
    [TestCase("RequestMethod() < \"GET\"", "takes == or !=")]
    [TestCase("Attempts() < 3 == IsNetworkError()", "left side of ==")]
    [TestCase("Attempts() && IsNetworkError()", "joins conditions")]
    [TestCase("IsNetworkError", "is not defined")]
    [TestCase("Attempts(3) < 2", "takes no arguments")]
    [TestCase("Latency() > 3", "unsupported function Latency")]
    [TestCase("IsNetworkError() &&", "ends too early")]
    [TestCase("(IsNetworkError()", "expected ')'")]
    [TestCase("RequestMethod() == \"GET", "not closed")]
    [TestCase("", "empty")]
    public void What_oxy_refuses_is_an_error_with_the_reason(string expression, string reason)
    {
        Assert.That(RetryExpression.TryParse(expression, out var error), Is.Null);
        Assert.That(error, Does.Contain(reason));
    }

    [Test]
    public void Hostile_sizes_are_refused_by_bound()
    {
        var deepParentheses = new string('(', 200) + "IsNetworkError()" + new string(')', 200);
        var longChain = string.Join(" || ", Enumerable.Repeat("Attempts() < 2", 40));
        var huge = string.Join(" || ", Enumerable.Repeat("IsNetworkError()", 100));
        Assert.Multiple(() =>
        {
            Assert.That(RetryExpression.TryParse(deepParentheses, out var e1), Is.Null);
            Assert.That(e1, Does.Contain("nested deeper"));
            Assert.That(RetryExpression.TryParse(longChain, out var e2), Is.Null);
            Assert.That(e2, Does.Contain("nests deeper"));
            Assert.That(RetryExpression.TryParse(huge, out var e3), Is.Null);
            Assert.That(e3, Does.Contain("more than the gateway's bound"));
        });
    }

    [Test]
    public void The_compiler_puts_the_parsed_expression_in_the_table_and_a_bad_one_is_a_diagnostic_on_its_field()
    {
        var good = Compile("IsNetworkError() && Attempts() <= 2");
        var config = (BufferingConfig)good.Table.Middlewares["default-mw"];
        var bad = Compile("IsNetworkError() && Attempts()");

        Assert.Multiple(() =>
        {
            Assert.That(good.Diagnostics.Where(d => d.Field == "spec.buffering.retryExpression"), Is.Empty);
            Assert.That(config.RetryExpression!.Condition, Is.InstanceOf<RetryCondition.And>());
            Assert.That(bad.Diagnostics.Where(d => d.Severity == Severity.Error && d.Field == "spec.buffering.retryExpression").Select(d => d.Message),
                Has.Some.Contain("joins conditions").And.Some.Contain("position 21"), string.Join("\n", bad.Diagnostics.Select(d => d.Format())));
            Assert.That(bad.Table.Middlewares.ContainsKey("default-mw"), Is.False, "a middleware with a bad expression is not built");
        });
    }
}
