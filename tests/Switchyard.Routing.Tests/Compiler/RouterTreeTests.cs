using Switchyard.Routing.Acme;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>
/// Issue 13.4, parse once: every compiled router carries the tree its matcher was compiled from, and the
/// consumers (router index, ACME domains) read that tree, never the rule text.
/// </summary>
public class RouterTreeTests
{
    public static IEnumerable<TestCaseData> Cases() => GoldenCase.Names().Select(n => new TestCaseData(n).SetName($"RouterTree({n})"));

    [TestCaseSource(nameof(Cases))]
    [CancelAfter(30_000)]
    public void EveryCompiledRouterCarriesTheTreeOfItsRule(string name)
    {
        var table = RoutingCompiler.Compile(GoldenCase.Load(name), GoldenCase.Options(name)).Table;
        foreach (var router in table.Routers)
        {
            // A child of multi-layer routing is its parent's tree AND its own: the same meaning as the combined text.
            var expected = RuleParser.Parse(router.Rule, router.RuleSyntax).Expression;
            Assert.That(router.Expression, Is.Not.Null.And.EqualTo(expected), $"{router.Name}: {router.Rule}");
        }
    }

    [Test]
    public void AcmeDomainsComeFromTheTree_NotTheRuleText()
    {
        var tree = new RuleNode.Matcher("Host", "tree.example.com");
        var router = new Router("r", ["websecure"], "Host(`text.example.com`)", 1, [], "svc",
            new RouterTls(null, "le", [], null, null), new Model.Diagnostics.ResourceRef("IngressRoute", "default", "r"), 0)
        {
            Matcher = RuleMatcherCompiler.Compile(tree),
            Expression = tree,
        };

        var (sets, _) = AcmeDomains.FromTable(RoutingTable.Empty with { Routers = [router] }, new HashSet<string> { "le" });

        Assert.That(sets["le"].Single(), Is.EqualTo(new[] { "tree.example.com" }));
    }
}
