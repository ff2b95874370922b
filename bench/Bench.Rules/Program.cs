using System.Diagnostics;
using System.Net;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

// Three rounds: the first includes JIT warm-up; report the best.
const int Routes = 10_000;
for (var round = 1; round <= 3; round++)
{
    var sw = Stopwatch.StartNew();
    var routers = new List<Router>(Routes + 1);
    for (var i = 0; i < Routes; i++)
    {
        // Every 10th rule carries a regex, like a real table with some PathRegexp/HostRegexp routes.
        var rule = i % 10 == 0
            ? $"Host(`h{i % 100}.example.com`) && PathRegexp(`^/svc{i / 100}/[a-z]+/[0-9]+$`)"
            : $"Host(`h{i % 100}.example.com`) && PathPrefix(`/svc{i / 100}/`) && Method(`POST`)";
        var parsed = RuleParser.Parse(rule);
        var matcher = RuleMatcherCompiler.Compile(parsed.Expression!);
        routers.Add(new Router($"r{i}", ["web"], rule, RulePriority.Of(rule), [], "svc", null, new ResourceRef("IngressRoute", "default", $"r{i}"), 0) { Matcher = matcher });
    }
    routers.Add(new Router("catchall", ["web"], "PathPrefix(`/`)", 1, [], "svc", null, new ResourceRef("IngressRoute", "default", "catchall"), 0)
    {
        Matcher = RuleMatcherCompiler.TryCompile("PathPrefix(`/`)", out _)!,
    });
    var compileMs = sw.Elapsed.TotalMilliseconds;

    sw.Restart();
    var index = RouterIndex.Build(routers);
    var indexMs = sw.Elapsed.TotalMilliseconds;

    var hit = new Request("H42.example.com", "/svc77/method", "POST");
    var regexHit = new Request("h40.example.com", "/svc40/users/42", "GET");
    var miss = new Request("unknown.example.com", "/x", "GET");
    const int N = 1_000_000;
    Console.WriteLine($"round {round}: parse+compile {Routes} rules {compileMs:F0} ms, index build {indexMs:F0} ms, " +
        $"match host+prefix {PerMatch(index, hit, N):F0} ns ({index.Match(hit)?.Name}), " +
        $"host+regex {PerMatch(index, regexHit, N):F0} ns ({index.Match(regexHit)?.Name}), " +
        $"fallback {PerMatch(index, miss, N):F0} ns ({index.Match(miss)?.Name})");
}

static double PerMatch(RouterIndex index, IRequestFacts request, int n)
{
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < n; i++)
    {
        index.Match(request);
    }
    return sw.Elapsed.TotalNanoseconds / n;
}

sealed class Request(string host, string path, string method) : IRequestFacts
{
    public string Method => method;
    public string Host => host;
    public string Path => path;
    public IPAddress? ClientAddress => IPAddress.Loopback;
    public bool IsTls => false;
    public bool AnyHeaderValue(string name, Func<string, bool> predicate) => false;
    public bool AnyQueryValue(string name, Func<string, bool> predicate) => false;
}
