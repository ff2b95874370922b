using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using CsCheck;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Rules;

[CancelAfter(60_000)]
public class RouterIndexTests
{
    private static readonly RouterTls Tls = new(null, null, ImmutableArray<TlsDomain>.Empty, null, null);

    /// <summary>Counts matcher evaluations, to show how many routers a request really looks at.</summary>
    private sealed class CountingMatcher(IRuleMatcher inner) : IRuleMatcher
    {
        public static int Calls;

        public bool Matches(IRequestFacts request)
        {
            Interlocked.Increment(ref Calls);
            return inner.Matches(request);
        }
    }

    private static Router R(string name, string rule, int priority = 0, bool tls = false, bool counting = false)
    {
        var parsed = RuleParser.Parse(rule);
        Assert.That(parsed.Error, Is.Null, parsed.Error?.ToString());
        var matcher = RuleMatcherCompiler.Compile(parsed.Expression!);
        return new Router(name, ["web"], rule, priority == 0 ? RulePriority.Of(rule) : priority, [], "svc", tls ? Tls : null,
            new ResourceRef("IngressRoute", "default", name), 0)
        {
            Matcher = counting ? new CountingMatcher(matcher) : matcher,
            Expression = parsed.Expression,
        };
    }

    private static Router? Linear(IEnumerable<Router> routers, IRequestFacts request) =>
        routers.OrderByDescending(r => r.Priority).ThenBy(r => r.Name, StringComparer.Ordinal)
            .FirstOrDefault(r => (r.Tls is not null) == request.IsTls && r.Matcher.Matches(request));

    [Test]
    public void WildcardHostsAreIndexedByTheirSuffix_AndStarGoesToEveryHost()
    {
        var index = RouterIndex.Build(
        [
            R("wild", "Host(`*.example.com`)"),
            R("wild-dotted", "Host(`*.other.com.`) && PathPrefix(`/x`)"),
            R("exact", "Host(`api.example.com`)"),
            R("star", "Host(`*`)", priority: 1),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(index.Match(TestRequest.For("a.example.com"))?.Name, Is.EqualTo("wild"));
            Assert.That(index.Match(TestRequest.For("api.example.com"))?.Name, Is.EqualTo("exact"), "longer rule, higher priority");
            Assert.That(index.Match(TestRequest.For("a.b.example.com"))?.Name, Is.EqualTo("star"), "one label only");
            Assert.That(index.Match(TestRequest.For("example.com"))?.Name, Is.EqualTo("star"));
            Assert.That(index.Match(TestRequest.For("q.other.com.", "/x/1"))?.Name, Is.EqualTo("wild-dotted"));
            Assert.That(index.Match(TestRequest.For("q.other.com", "/x/1"))?.Name, Is.EqualTo("wild-dotted"));
            Assert.That(index.Match(TestRequest.For("", "/"))?.Name, Is.EqualTo("star"));
        });
    }

    [Test]
    public void HigherPriorityWinsThenNameOrder()
    {
        var index = RouterIndex.Build(
        [
            R("b", "PathPrefix(`/`)", priority: 5),
            R("a", "PathPrefix(`/`)", priority: 5),
            R("long", "Host(`a.com`) && PathPrefix(`/api`)"),
            R("short", "Host(`a.com`)"),
        ]);
        Assert.That(index.Routers.Select(r => r.Name), Is.EqualTo(new[] { "long", "short", "a", "b" }));
        Assert.That(index.Match(TestRequest.For("a.com", "/api/x"))?.Name, Is.EqualTo("long"));
        Assert.That(index.Match(TestRequest.For("A.COM", "/other"))?.Name, Is.EqualTo("short"));
        Assert.That(index.Match(TestRequest.For("b.com", "/other"))?.Name, Is.EqualTo("a"));
    }

    [Test]
    public void TlsRoutersMatchOnlyTlsRequests()
    {
        var index = RouterIndex.Build([R("secure", "Host(`a.com`)", tls: true), R("plain", "Host(`a.com`)", priority: 1)]);
        Assert.That(index.Match(TestRequest.For("a.com") with { IsTls = true })?.Name, Is.EqualTo("secure"));
        Assert.That(index.Match(TestRequest.For("a.com"))?.Name, Is.EqualTo("plain"));
        Assert.That(RouterIndex.Build([R("secure", "Host(`a.com`)", tls: true)]).Match(TestRequest.For("a.com")), Is.Null);
    }

    [Test]
    public void HostBucketsFollowTraefiksHostSemantics()
    {
        var index = RouterIndex.Build(
        [
            R("dot", "Host(`dot.com.`) && Path(`/x`)"),
            R("plain", "Host(`plain.com`) || Host(`other.com`)"),
            R("regexp", "HostRegexp(`^re\\.`)"),
            R("negated", "!Host(`x.com`) && PathPrefix(`/neg`)"),
        ]);
        Assert.That(index.Match(TestRequest.For("dot.com", "/x"))?.Name, Is.EqualTo("dot"));
        Assert.That(index.Match(TestRequest.For("DOT.com.:443", "/x"))?.Name, Is.EqualTo("dot"));
        Assert.That(index.Match(TestRequest.For("plain.com."))?.Name, Is.EqualTo("plain"));
        Assert.That(index.Match(TestRequest.For("Other.Com:8080"))?.Name, Is.EqualTo("plain"));
        Assert.That(index.Match(TestRequest.For("re.com"))?.Name, Is.EqualTo("regexp"));
        Assert.That(index.Match(TestRequest.For("y.com", "/neg"))?.Name, Is.EqualTo("negated"));
        Assert.That(index.Match(TestRequest.For("x.com", "/neg")), Is.Null);
    }

    [Test]
    public void PathStructureKeepsPrefixSemantics()
    {
        var index = RouterIndex.Build(
        [
            R("exact", "Path(`/api`)", priority: 100),
            R("api", "PathPrefix(`/api`)", priority: 50),
            R("apiv2", "PathPrefix(`/api/v2`)", priority: 10),
            R("root", "PathPrefix(`/`)", priority: 1),
        ]);
        Assert.That(index.Match(TestRequest.For(path: "/api"))?.Name, Is.EqualTo("exact"));
        Assert.That(index.Match(TestRequest.For(path: "/apiary"))?.Name, Is.EqualTo("api"));
        Assert.That(index.Match(TestRequest.For(path: "/api/v2/x"))?.Name, Is.EqualTo("api"));
        Assert.That(index.Match(TestRequest.For(path: "/b"))?.Name, Is.EqualTo("root"));
    }

    [Test]
    public void PrefixesSharingCharactersMatchOnlyWhenTheirWholePrefixIsThere()
    {
        // The prefix trie folds single-child chains into one edge ("/pkg.Service" is one edge until "/pkg.Serv"
        // joins it): a request that stops inside an edge, or leaves it, must not reach the routers beyond.
        var index = RouterIndex.Build(
        [
            R("service", "PathPrefix(`/pkg.Service`)", priority: 30),
            R("serv", "PathPrefix(`/pkg.Serv`)", priority: 20),
            R("other", "PathPrefix(`/pkg.Other/Call`)", priority: 25),
            R("root", "PathPrefix(`/`)", priority: 1),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Service/Call"))?.Name, Is.EqualTo("service"));
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Servic"))?.Name, Is.EqualTo("serv"));
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Ser"))?.Name, Is.EqualTo("root"));
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Other/Cal"))?.Name, Is.EqualTo("root"));
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Other/Calls"))?.Name, Is.EqualTo("other"));
            Assert.That(index.Match(TestRequest.For(path: "/pkg.Sxrvice"))?.Name, Is.EqualTo("root"));
        });
    }

    [Test]
    public void RouterWithoutTreeIsLeftToItsMatcher()
    {
        var handBuilt = new Router("hand-built", ["web"], "Host(", 100, [], "svc", null, new ResourceRef("IngressRoute", "default", "hand-built"), 0)
        {
            Matcher = RuleMatcherCompiler.Compile(new RuleNode.Matcher("PathPrefix", "/")),
        };
        Assert.That(RouterIndex.Build([handBuilt, R("other", "Host(`a`)")]).Match(TestRequest.For("a"))?.Name, Is.EqualTo("hand-built"));
    }

    [Test]
    public void HostsAndPathsAreReadOffTheTree_NotTheRuleText()
    {
        // v2 text: in v3 syntax it would be the literal path "/users/{id}" and the index would never offer the router.
        const string rule = "Path(`/users/{id}`)";
        var tree = RuleParser.Parse(rule, "v2").Expression!;
        var v2 = new Router("v2", ["web"], rule, 100, [], "svc", null, new ResourceRef("IngressRoute", "default", "v2"), 0)
        {
            Matcher = RuleMatcherCompiler.Compile(tree),
            Expression = tree,
            RuleSyntax = "v2",
        };
        Assert.That(RouterIndex.Build([v2]).Match(TestRequest.For(path: "/users/42"))?.Name, Is.EqualTo("v2"));

        // The index follows the tree even where the text says otherwise: the text is never parsed again.
        CountingMatcher.Calls = 0;
        var pathTree = new RuleNode.Matcher("PathPrefix", "/tree");
        var byTree = new Router("by-tree", ["web"], "PathPrefix(`/text`)", 100, [], "svc", null, new ResourceRef("IngressRoute", "default", "by-tree"), 0)
        {
            Matcher = new CountingMatcher(RuleMatcherCompiler.Compile(pathTree)),
            Expression = pathTree,
        };
        var index = RouterIndex.Build([byTree]);
        Assert.That(index.Match(TestRequest.For(path: "/text")), Is.Null);
        Assert.That(CountingMatcher.Calls, Is.Zero, "a path outside the tree's prefix never reaches the matcher");
        Assert.That(index.Match(TestRequest.For(path: "/tree/x"))?.Name, Is.EqualTo("by-tree"));
    }

    [Test]
    public void MatchAnswersTheRouteGivenAtBuildTime()
    {
        var routers = new[] { R("a", "Host(`a.com`)"), R("b", "PathPrefix(`/`)", priority: 1) };
        var index = RouterIndex<string>.Build(routers, r => "route of " + r.Name);
        Assert.That(index.Match(TestRequest.For("a.com")), Is.EqualTo("route of a"));
        Assert.That(index.Match(TestRequest.For("b.com")), Is.EqualTo("route of b"));
    }

    [Test]
    public void CostDoesNotGrowWithTheNumberOfHostAndPathRoutes()
    {
        var routers = new List<Router>();
        for (var i = 0; i < 10_000; i++)
        {
            routers.Add(R($"r{i}", $"Host(`h{i % 100}.example.com`) && PathPrefix(`/svc{i / 100}/`)", counting: true));
        }
        routers.Add(R("catchall", "PathPrefix(`/`)", priority: 1, counting: true));

        var build = Stopwatch.StartNew();
        var index = RouterIndex.Build(routers);
        build.Stop();

        var request = TestRequest.For("H42.example.com", "/svc77/method");
        CountingMatcher.Calls = 0;
        Assert.That(index.Match(request)?.Name, Is.EqualTo("r7742"));
        Assert.That(CountingMatcher.Calls, Is.LessThanOrEqualTo(2), "only the router that shares host and path prefix is evaluated");

        CountingMatcher.Calls = 0;
        Assert.That(index.Match(TestRequest.For("nohost.example.com", "/svc77/method"))?.Name, Is.EqualTo("catchall"));
        Assert.That(CountingMatcher.Calls, Is.LessThanOrEqualTo(1));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            index.Match(request);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "Match allocates nothing");
        TestContext.Out.WriteLine($"index of 10 001 routers built in {build.ElapsedMilliseconds} ms");
    }

    private static readonly string[] Hosts = ["a.com", "A.com", "a.com.", "b.com", "c.com.", "::1"];
    private static readonly string[] Paths = ["/", "/a", "/ab", "/a/b", "/b", "/a/"];

    private static readonly Gen<string> Atom = Gen.OneOf(
        Gen.OneOf<string>(Hosts).Select(h => $"Host(`{h}`)"),
        Gen.OneOf<string>(Paths).Select(p => $"Path(`{p}`)"),
        Gen.OneOf<string>(Paths).Select(p => $"PathPrefix(`{p}`)"),
        Gen.OneOf<string>("GET", "POST").Select(m => $"Method(`{m}`)"),
        Gen.Const("HostRegexp(`^a`)"),
        Gen.Const("PathRegexp(`b$`)"),
        // Anchored regexes lend their literal prefix to the path trie; these probe where that must stop.
        Gen.OneOf<string>("^/a", "^/ab?", "^/a|^/b", "^/a\\/b", "^/a.b", "^/a+b", "^/a{0,1}", "^/a\\d", "^/a\\.b", "^/a(b)?$")
            .Select(r => $"PathRegexp(`{r}`)"),
        Gen.Const("Header(`X-A`, `1`)"),
        Gen.Const("ClientIP(`10.0.0.0/8`)"));

    private static readonly Gen<string> Rule = Gen.Recursive<string>((depth, self) =>
        depth >= 3
            ? Atom
            : Gen.Frequency(
                (4, Atom),
                (3, Gen.Select(self, self, (l, r) => $"{l} && {r}")),
                (2, Gen.Select(self, self, (l, r) => $"({l} || {r})")),
                (1, self.Select(x => $"!({x})"))));

    private static readonly Gen<(string Name, string Rule, int Priority, bool Tls)> RouterSpec =
        Gen.Select(Gen.OneOf<string>("a", "b", "c", "d", "e"), Rule, Gen.OneOf(Gen.Const(0), Gen.Int[1, 3]), Gen.Bool)
            .Select(t => (t.Item1, t.Item2, t.Item3, t.Item4));

    private static readonly Gen<TestRequest> Request =
        Gen.Select(
            Gen.OneOf<string>("a.com", "A.COM", "a.com.", "a.com:80", "b.com", "c.com", "c.com.", "[::1]:8443", "d.com", ""),
            Gen.OneOf<string>("/", "/a", "/ab", "/abc", "/a/b", "/a/", "/b", "/x", "/ab/b", "/", "/aab", "/a.b", "/axb", "/a1"),
            Gen.OneOf<string>("GET", "POST"),
            Gen.Bool,
            Gen.Bool,
            Gen.Bool)
        .Select(t => new TestRequest
        {
            Host = t.Item1,
            Path = t.Item2,
            Method = t.Item3,
            IsTls = t.Item4,
            Headers = t.Item5 ? [new("x-a", "1")] : [],
            ClientAddress = t.Item6 ? IPAddress.Parse("10.1.1.1") : IPAddress.Parse("192.168.0.1"),
        });

    [Test]
    public void MatchEqualsALinearScan() =>
        Gen.Select(RouterSpec.List[0, 25], Request.Array[20]).Sample((specs, requests) =>
        {
            var routers = specs.Select((s, i) => R($"{s.Name}{i % 3}", s.Rule, s.Priority, s.Tls)).ToList();
            var index = RouterIndex.Build(routers);
            foreach (var request in requests)
            {
                var expected = Linear(routers, request);
                var actual = index.Match(request);
                if (!ReferenceEquals(expected, actual))
                {
                    throw new InvalidOperationException(
                        $"{request.Host} {request.Path} tls={request.IsTls}: index {actual?.Name}:{actual?.Rule} vs linear {expected?.Name}:{expected?.Rule}");
                }
            }
        }, iter: 1_500, threads: 1);
}
