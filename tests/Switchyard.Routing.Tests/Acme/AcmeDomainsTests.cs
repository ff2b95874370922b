using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Acme;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Acme;

public class AcmeDomainsTests
{
    [Test]
    public void DomainsComeFromTlsDomainsElseFromHostMatchers()
    {
        var table = Table(
            Router("a", "Host(`b.example.com`) || Host(`A.example.com`)", "le", []),
            Router("b", "Host(`ignored.example.com`)", "le", [new TlsDomain("api.example.com", ["www.api.example.com"])]),
            Router("c", "Host(`b.example.com`) || Host(`a.example.com`)", "le", []),
            Router("d", "Host(`plain.example.com`)", null, []));

        var (sets, diagnostics) = AcmeDomains.FromTable(table, new HashSet<string> { "le" });

        Assert.That(diagnostics, Is.Empty);
        Assert.That(sets.Keys, Is.EqualTo(new[] { "le" }));
        var le = sets["le"].Select(s => string.Join(",", s)).ToList();
        Assert.That(le, Is.EqualTo(new[] { "a.example.com,b.example.com", "api.example.com,www.api.example.com" }));
    }

    [Test]
    public void UnknownResolverAndMissingDomainsAreDiagnosed()
    {
        var table = Table(
            Router("a", "Host(`x.example.com`)", "missing", []),
            Router("b", "PathPrefix(`/`)", "le", []));

        var (sets, diagnostics) = AcmeDomains.FromTable(table, new HashSet<string> { "le" });

        Assert.That(sets, Is.Empty);
        Assert.That(diagnostics.Select(d => d.Code), Is.EquivalentTo(new[] { DiagnosticCodes.AcmeResolverNotFound, DiagnosticCodes.AcmeNoDomains }));
        Assert.That(diagnostics.First(d => d.Code == DiagnosticCodes.AcmeResolverNotFound).Message, Does.Contain("'missing'"));
    }

    [Test]
    public void WildcardAndStarHostsAreNotOrdered_WildcardsAreSaid()
    {
        var table = Table(
            Router("a", "Host(`*.example.com`) || Host(`www.example.com`)", "le", []),
            Router("b", "Host(`*`)", "le", []),
            Router("c", "Host(`*.only.example.com`)", "le", []));

        var (sets, diagnostics) = AcmeDomains.FromTable(table, new HashSet<string> { "le" });

        Assert.That(sets["le"].Select(s => string.Join(",", s)), Is.EqualTo(new[] { "www.example.com" }));
        Assert.That(diagnostics.Select(d => (d.Code, d.Resource?.Name)), Is.EquivalentTo(new[]
        {
            (DiagnosticCodes.AcmeWildcardDomain, (string?)"a"),
            (DiagnosticCodes.AcmeNoDomains, "b"),
            (DiagnosticCodes.AcmeWildcardDomain, "c"),
        }));
    }

    private static RoutingTable Table(params Router[] routers) => RoutingTable.Empty with { Routers = [.. routers] };

    private static Router Router(string name, string rule, string? resolver, ImmutableArray<TlsDomain> domains)
    {
        var tree = RuleParser.Parse(rule).Expression!;
        return new(name, ["websecure"], rule, rule.Length, [], "svc",
            resolver is null ? null : new RouterTls(null, resolver, domains, null, null),
            new ResourceRef("IngressRoute", "default", name), 0)
        {
            Matcher = RuleMatcherCompiler.Compile(tree),
            Expression = tree,
        };
    }
}
