namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): how HTTPRoutes meet listeners — hostname intersection, listener hostnames and
/// ports, the HTTPS listener, routes from other namespaces. One test per upstream test, named by its ShortName.
/// </summary>
public sealed class HttpRouteListenerConformanceTests : ConformanceTest
{
    /// <summary>A Gateway of our class whose listeners (YAML flow items) all admit routes of its own namespace.</summary>
    private static string Gateway(string name, params string[] listeners) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
          listeners:
        {{string.Join("\n", listeners.Select(l => "  - {" + l + ", protocol: HTTP, allowedRoutes: {namespaces: {from: Same} } }"))}}
        """;

    /// <summary>An HTTPRoute of the infra namespace on <paramref name="parentRefs"/> sending <paramref name="prefix"/> to one backend.</summary>
    private static string Route(string name, string parentRefs, string? hostnames, string? prefix, string backend) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          parentRefs: {{parentRefs}}
          {{(hostnames is null ? "" : "hostnames: " + hostnames)}}
          rules: [{{{(prefix is null ? "" : $"matches: [{{path: {{type: PathPrefix, value: {prefix}}} }}], ")}}backendRefs: [{name: {{backend}}, port: 8080}]}]
        """;

    [Test]
    public async Task HTTPRouteHostnameIntersection()
    {
        const string gw = "httproute-hostname-intersection";
        var parent = $"[{{name: {gw}, namespace: {Infra}}}]";
        Apply(string.Join("\n---\n",
            Gateway(gw, "name: listener-1, port: 80, hostname: very.specific.com", "name: listener-2, port: 80, hostname: \"*.wildcard.io\"",
                "name: listener-3, port: 80, hostname: \"*.anotherwildcard.io\""),
            Gateway(gw + "-all", "name: listener-1, port: 80"),
            Route("specific-host-matches-listener-specific-host", parent, "[non.matching.com, \"*.nonmatchingwildcard.io\", very.specific.com]", "/s1", "infra-backend-v1"),
            Route("specific-host-matches-listener-wildcard-host", parent, "[non.matching.com, wildcard.io, foo.wildcard.io, bar.wildcard.io, foo.bar.wildcard.io]", "/s2",
                "infra-backend-v2"),
            Route("wildcard-host-matches-listener-specific-host", parent, "[non.matching.com, \"*.specific.com\"]", "/s3", "infra-backend-v3"),
            Route("wildcard-host-matches-listener-wildcard-host", parent, "[\"*.anotherwildcard.io\"]", "/s4", "infra-backend-v1"),
            Route("no-intersecting-hosts", parent, "[specific.but.wrong.com, wildcard.io]", "/s5", "infra-backend-v2"),
            Route(gw + "-all", $"[{{name: {gw}-all, namespace: {Infra}}}]", "[first.com, sub.first.com, second.com, sub.second.com]", null, "infra-backend-v2")));

        await AcceptedAsync(gw, "specific-host-matches-listener-specific-host", "specific-host-matches-listener-wildcard-host",
            "wildcard-host-matches-listener-specific-host", "wildcard-host-matches-listener-wildcard-host");
        await ExpectAsync(
            Case.To("/s1", "infra-backend-v1", "very.specific.com"), Case.To("/s1", "infra-backend-v1", "very.specific.com:1234"),
            Case.NotFound("/s1", "non.matching.com"), Case.NotFound("/s1", "foo.nonmatchingwildcard.io"), Case.NotFound("/s1", "foo.wildcard.io"),
            Case.NotFound("/non-matching-prefix", "very.specific.com"),
            Case.To("/s2", "infra-backend-v2", "foo.wildcard.io"), Case.To("/s2", "infra-backend-v2", "bar.wildcard.io"),
            Case.To("/s2", "infra-backend-v2", "foo.bar.wildcard.io"), Case.NotFound("/s2", "non.matching.com"), Case.NotFound("/s2", "wildcard.io"),
            Case.NotFound("/s2", "very.specific.com"), Case.NotFound("/non-matching-prefix", "foo.wildcard.io"),
            Case.To("/s3", "infra-backend-v3", "very.specific.com"), Case.NotFound("/s3", "non.matching.com"), Case.NotFound("/s3", "foo.specific.com"),
            Case.NotFound("/s3", "foo.wildcard.io"), Case.NotFound("/non-matching-prefix", "very.specific.com"),
            Case.To("/s4", "infra-backend-v1", "foo.anotherwildcard.io"), Case.To("/s4", "infra-backend-v1", "bar.anotherwildcard.io"),
            Case.To("/s4", "infra-backend-v1", "foo.bar.anotherwildcard.io"), Case.NotFound("/s4", "anotherwildcard.io"), Case.NotFound("/s4", "foo.wildcard.io"),
            Case.NotFound("/s4", "very.specific.com"), Case.NotFound("/non-matching-prefix", "foo.anotherwildcard.io"));

        // Routes that do not intersect: Accepted False, NoMatchingListenerHostname; nothing served.
        await RouteConditionAsync("HTTPRoute", Infra, "no-intersecting-hosts", gw, "Accepted", "False/NoMatchingListenerHostname");
        await ExpectAsync(Case.NotFound("/s5", "specific.but.wrong.com"), Case.NotFound("/s5", "wildcard.io"));

        // A listener without hostname takes the route's hostnames as they are.
        await AcceptedAsync(gw + "-all", gw + "-all");
        await ExpectAsync(Case.To("/", "infra-backend-v2", "first.com"), Case.To("/", "infra-backend-v2", "sub.first.com"), Case.To("/", "infra-backend-v2", "second.com"),
            Case.To("/", "infra-backend-v2", "sub.second.com"), Case.NotFound("/", "third.com"), Case.NotFound("/", "sub.third.com"));
    }

    [Test]
    public async Task HTTPRouteListenerHostnameMatching()
    {
        const string gw = "httproute-listener-hostname-matching";
        string Section(params string[] sections) => "[" + string.Join(", ", sections.Select(s => $"{{name: {gw}, namespace: {Infra}, sectionName: {s}}}")) + "]";
        Apply(string.Join("\n---\n",
            Gateway(gw, "name: listener-1, port: 80, hostname: bar.com", "name: listener-2, port: 80, hostname: foo.bar.com",
                "name: listener-3, port: 80, hostname: \"*.bar.com\"", "name: listener-4, port: 80, hostname: \"*.foo.com\""),
            Route("backend-v1", Section("listener-1"), null, null, "infra-backend-v1"),
            Route("backend-v2", Section("listener-2"), null, null, "infra-backend-v2"),
            Route("backend-v3", Section("listener-3", "listener-4"), null, null, "infra-backend-v3")));
        await AcceptedAsync(gw, "backend-v1", "backend-v2", "backend-v3");
        await ExpectAsync(
            Case.To("/", "infra-backend-v1", "bar.com"), Case.To("/", "infra-backend-v2", "foo.bar.com"), Case.To("/", "infra-backend-v3", "baz.bar.com"),
            Case.To("/", "infra-backend-v3", "boo.bar.com"), Case.To("/", "infra-backend-v3", "multiple.prefixes.bar.com"),
            Case.To("/", "infra-backend-v3", "multiple.prefixes.foo.com"), Case.NotFound("/", "foo.com"), Case.NotFound("/", "no.matching.host"));
    }

    [Test]
    public async Task HTTPRouteListenerPortMatching()
    {
        const string gw = "httproute-listener-port-matching";
        string Port(int port, string? section = null) => $"[{{name: {gw}, namespace: {Infra}, port: {port}{(section is null ? "" : ", sectionName: " + section)}}}]";
        Apply(string.Join("\n---\n",
            Gateway(gw, "name: listener-1, port: 80, hostname: foo.com", "name: listener-2, port: 8080, hostname: foo.com", "name: listener-3, port: 8080, hostname: bar.com",
                "name: listener-4, port: 8090, hostname: foo.com", "name: listener-5, port: 8090, hostname: bar.com"),
            Route("backend-v1", Port(80), null, null, "infra-backend-v1"),
            Route("backend-v2", Port(8080), null, null, "infra-backend-v2"),
            Route("backend-v3", Port(8090, "listener-4"), null, null, "infra-backend-v3")));
        await AcceptedAsync(gw, "backend-v1", "backend-v2", "backend-v3");
        await ExpectAsync(Case.To("/", "infra-backend-v1", "foo.com"));
        await ExpectAsync([Case.To("/", "infra-backend-v2", "foo.com:8080"), Case.To("/", "infra-backend-v2", "bar.com:8080")], Env.Http8080Port);
        await ExpectAsync([Case.To("/", "infra-backend-v3", "foo.com:8090"), Case.NotFound("/", "bar.com:8090")], Env.Http8090Port);
    }

    [Test]
    public async Task HTTPRouteHTTPSListener()
    {
        Apply(Route("httproute-https-test", "[{name: same-namespace-with-https-listener}]", "[example.org]", null, "infra-backend-v1") + "\n---\n" +
            Route("httproute-https-test-no-hostname", "[{name: same-namespace-with-https-listener, sectionName: https-with-hostname}]", null, null, "infra-backend-v2"));
        await AcceptedAsync("same-namespace-with-https-listener", "httproute-https-test", "httproute-https-test-no-hostname");
        foreach (var (host, expected) in new[]
        {
            ("example.org", Case.To("/", "infra-backend-v1", "example.org")),
            ("unknown-example.org", Case.NotFound("/", "unknown-example.org")),
            ("second-example.org", Case.To("/", "infra-backend-v2", "second-example.org")),
        })
        {
            using var client = ConformanceClient.Tls(host, Env.Ca);
            await ExpectAsync([expected], Env.HttpsPort, "https", client);
        }
    }

    [Test]
    public async Task HTTPRouteCrossNamespace()
    {
        const string ns = ConformanceEnvironment.WebBackend;
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: cross-namespace, namespace: {{ns}}}
            spec:
              parentRefs: [{name: backend-namespaces, namespace: {{Infra}}}]
              rules: [{backendRefs: [{name: web-backend, port: 8080}]}]
            """);
        await RouteConditionAsync("HTTPRoute", ns, "cross-namespace", "backend-namespaces", "Accepted", "True/Accepted", Infra);
        await RouteConditionAsync("HTTPRoute", ns, "cross-namespace", "backend-namespaces", "ResolvedRefs", "True/ResolvedRefs", Infra);
        await ExpectAsync(Case.To("/", "web-backend"));
    }
}
