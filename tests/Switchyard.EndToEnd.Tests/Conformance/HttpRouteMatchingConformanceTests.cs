namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1, conformance/tests/httproute-*matching*.go and friends): path, header, query and
/// method matches and their precedence. One test per upstream test, named by its ShortName.
/// </summary>
public sealed class HttpRouteMatchingConformanceTests : ConformanceTest
{
    /// <summary>An HTTPRoute in the infra namespace on <paramref name="parent"/> with the given rules (YAML list items).</summary>
    internal static string Route(string name, string rules, string parent = "same-namespace", string? hostnames = null) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          parentRefs: [{name: {{parent}}}]
          {{(hostnames is null ? "" : "hostnames: " + hostnames)}}
          rules:
        {{rules}}
        """;

    private const string V1 = "backendRefs: [{name: infra-backend-v1, port: 8080}]";
    private const string V2 = "backendRefs: [{name: infra-backend-v2, port: 8080}]";
    private const string V3 = "backendRefs: [{name: infra-backend-v3, port: 8080}]";

    [Test]
    public async Task HTTPRouteSimpleSameNamespace()
    {
        Apply(Route("gateway-conformance-infra-test", "  - " + V1));
        await AcceptedAsync("same-namespace", "gateway-conformance-infra-test");
        await ExpectAsync(Case.To("/", "infra-backend-v1"));
    }

    [Test]
    public async Task HTTPRouteMatching()
    {
        Apply(Route("matching", $$"""
              - matches: [{path: {type: PathPrefix, value: /} }, {headers: [{name: version, value: one}]}]
                {{V1}}
              - matches: [{path: {type: PathPrefix, value: /v2} }, {headers: [{name: version, value: two}]}]
                {{V2}}
            """));
        await AcceptedAsync("same-namespace", "matching");
        await ExpectAsync(
            Case.To("/", "infra-backend-v1"), Case.To("/example", "infra-backend-v1"), Case.To("/", "infra-backend-v1", headers: H("Version", "one")),
            Case.To("/v2", "infra-backend-v2"), Case.To("/v2/example", "infra-backend-v2"), Case.To("/", "infra-backend-v2", headers: H("Version", "two")),
            Case.To("/v2/", "infra-backend-v2"), Case.To("/v2example", "infra-backend-v1"), Case.To("/foo/v2/example", "infra-backend-v1"));
    }

    [Test]
    public async Task HTTPRouteExactPathMatching()
    {
        Apply(Route("exact-matching", $$"""
              - matches: [{path: {type: Exact, value: /one} }]
                {{V1}}
              - matches: [{path: {type: Exact, value: /two} }]
                {{V2}}
            """));
        await AcceptedAsync("same-namespace", "exact-matching");
        await ExpectAsync(Case.To("/one", "infra-backend-v1"), Case.To("/two", "infra-backend-v2"),
            Case.NotFound("/"), Case.NotFound("/one/example"), Case.NotFound("/two/"), Case.NotFound("/Two"));
    }

    [Test]
    public async Task HTTPRouteHeaderMatching()
    {
        Apply(Route("header-matching", $$"""
              - matches: [{headers: [{name: version, value: one}]}]
                {{V1}}
              - matches: [{headers: [{name: version, value: two}]}]
                {{V2}}
              - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
                {{V1}}
              - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
                {{V1}}
              - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
                {{V2}}
            """));
        await AcceptedAsync("same-namespace", "header-matching");
        await ExpectAsync(
            Case.To("/", "infra-backend-v1", headers: H("Version", "one")), Case.To("/", "infra-backend-v2", headers: H("Version", "two")),
            Case.To("/", "infra-backend-v1", headers: H("Version", "two", "Color", "orange")),
            Case.To("/", "infra-backend-v2", headers: H("Version", "two", "Color", "blue")),
            Case.NotFound("/", headers: H("Color", "orange")), Case.NotFound("/", headers: H("Some-Other-Header", "one")),
            Case.To("/", "infra-backend-v1", headers: H("Color", "blue")), Case.To("/", "infra-backend-v1", headers: H("Color", "green")),
            Case.To("/", "infra-backend-v2", headers: H("Color", "red")), Case.To("/", "infra-backend-v2", headers: H("Color", "yellow")),
            Case.NotFound("/", headers: H("Color", "purple")));
    }

    [Test]
    public async Task HTTPRoutePathMatchOrder()
    {
        static string Rule(string type, string value, string backend) =>
            $"  - matches: [{{path: {{type: {type}, value: {value}}}}}]\n    {backend}\n";
        Apply(Route("path-matching-order",
            Rule("Exact", "/match", V1) + Rule("Exact", "/match/exact", V2) + Rule("Exact", "/match/exact/one", V3) +
            Rule("PathPrefix", "/match/", V3) + Rule("PathPrefix", "/match/prefix/", V1) + Rule("PathPrefix", "/match/prefix/one", V2)));
        await AcceptedAsync("same-namespace", "path-matching-order");
        await ExpectAsync(Case.To("/match/exact/one", "infra-backend-v3"), Case.To("/match/exact", "infra-backend-v2"), Case.To("/match", "infra-backend-v1"),
            Case.To("/match/prefix/one/any", "infra-backend-v2"), Case.To("/match/prefix/any", "infra-backend-v1"), Case.To("/match/any", "infra-backend-v3"));
    }

    [Test]
    public async Task HTTPRouteMatchingAcrossRoutes()
    {
        Apply(Route("matching-part1", $$"""
              - matches: [{path: {type: PathPrefix, value: /} }, {headers: [{name: version, value: one}]}]
                {{V1}}
            """, hostnames: "[example.com, example.net]") + "\n---\n" + Route("matching-part2", $$"""
              - matches: [{path: {type: PathPrefix, value: /v2} }, {headers: [{name: version, value: two}]}]
                {{V2}}
            """, hostnames: "[example.com]"));
        await AcceptedAsync("same-namespace", "matching-part1", "matching-part2");
        await ExpectAsync(
            Case.To("/", "infra-backend-v1", "example.com"), Case.To("/example", "infra-backend-v1", "example.com"),
            Case.To("/example", "infra-backend-v1", "example.net"), Case.To("/example", "infra-backend-v1", "example.com", H("Version", "one")),
            Case.To("/v2", "infra-backend-v2", "example.com"), Case.To("/v2", "infra-backend-v1", "example.net"),
            Case.To("/v2/example", "infra-backend-v2", "example.com"), Case.To("/", "infra-backend-v2", "example.com", H("Version", "two")));
    }

    [Test]
    public async Task HTTPRouteQueryParamMatching()
    {
        Apply(Route("query-param-matching", $$$"""
              - matches: [{queryParams: [{name: animal, value: whale}]}]
                {{{V1}}}
              - matches: [{queryParams: [{name: animal, value: dolphin}]}]
                {{{V2}}}
              - matches: [{queryParams: [{name: animal, value: dolphin}, {name: color, value: blue}]}, {queryParams: [{name: ANIMAL, value: Whale}]}]
                {{{V3}}}
              - matches: [{path: {type: PathPrefix, value: /path1}, queryParams: [{name: animal, value: whale}]}]
                {{{V1}}}
              - matches: [{headers: [{name: version, value: one}], queryParams: [{name: animal, value: whale}]}]
                {{{V2}}}
              - matches: [{path: {type: PathPrefix, value: /path2}, headers: [{name: version, value: two}], queryParams: [{name: animal, value: whale}]}]
                {{{V3}}}
              - matches:
                - {path: {type: PathPrefix, value: /path3}, queryParams: [{name: animal, value: shark}]}
                - {path: {type: PathPrefix, value: /path4}, headers: [{name: version, value: three}], queryParams: [{name: animal, value: kraken}]}
                {{{V1}}}
              - matches: [{path: {type: PathPrefix, value: /path5} }]
                {{{V1}}}
              - matches: [{queryParams: [{name: animal, value: hydra}]}]
                {{{V2}}}
              - matches: [{headers: [{name: version, value: four}]}]
                {{{V3}}}
            """));
        await AcceptedAsync("same-namespace", "query-param-matching");
        await ExpectAsync(
            Case.To("/?animal=whale", "infra-backend-v1"), Case.To("/?animal=dolphin", "infra-backend-v2"),
            Case.To("/?animal=dolphin&color=blue", "infra-backend-v3"), Case.To("/?ANIMAL=Whale", "infra-backend-v3"),
            Case.To("/?animal=whale&otherparam=irrelevant", "infra-backend-v1"), Case.To("/?animal=dolphin&color=yellow", "infra-backend-v2"),
            Case.NotFound("/?color=blue"), Case.NotFound("/?animal=dog"), Case.NotFound("/?animal=whaledolphin"), Case.NotFound("/"),
            Case.To("/path1?animal=whale", "infra-backend-v1"), Case.To("/?animal=whale", "infra-backend-v2", headers: H("version", "one")),
            Case.To("/path2?animal=whale", "infra-backend-v3", headers: H("version", "two")),
            Case.To("/path3?animal=shark", "infra-backend-v1"), Case.To("/path4?animal=kraken", "infra-backend-v1", headers: H("version", "three")),
            Case.NotFound("/?animal=shark"), Case.NotFound("/path4?animal=kraken"),
            Case.To("/path5?animal=hydra", "infra-backend-v1"), Case.To("/?animal=hydra", "infra-backend-v3", headers: H("version", "four")));
    }

    [Test]
    public async Task HTTPRouteMethodMatching()
    {
        Apply(Route("method-matching", $$$"""
              - matches: [{method: POST}]
                {{{V1}}}
              - matches: [{method: GET}]
                {{{V2}}}
              - matches: [{path: {type: PathPrefix, value: /path1}, method: GET}]
                {{{V1}}}
              - matches: [{headers: [{name: version, value: one}], method: PUT}]
                {{{V2}}}
              - matches: [{path: {type: PathPrefix, value: /path2}, headers: [{name: version, value: two}], method: POST}]
                {{{V3}}}
              - matches:
                - {path: {type: PathPrefix, value: /path3}, method: PATCH}
                - {path: {type: PathPrefix, value: /path4}, headers: [{name: version, value: three}], method: DELETE}
                {{{V1}}}
              - matches: [{path: {type: PathPrefix, value: /path5} }]
                {{{V1}}}
              - matches: [{method: PATCH}]
                {{{V2}}}
              - matches: [{headers: [{name: version, value: four}]}]
                {{{V3}}}
            """));
        await AcceptedAsync("same-namespace", "method-matching");
        await ExpectAsync(
            Case.To("/", "infra-backend-v1", method: "POST"), Case.To("/", "infra-backend-v2", method: "GET"), Case.NotFound("/", method: "HEAD"),
            Case.To("/path1", "infra-backend-v1", method: "GET"), Case.To("/", "infra-backend-v2", headers: H("version", "one"), method: "PUT"),
            Case.To("/path2", "infra-backend-v3", headers: H("version", "two"), method: "POST"),
            Case.To("/path3", "infra-backend-v1", method: "PATCH"), Case.To("/path4", "infra-backend-v1", headers: H("version", "three"), method: "DELETE"),
            Case.NotFound("/", method: "PUT"), Case.NotFound("/path4", method: "DELETE"),
            Case.To("/path5", "infra-backend-v1", method: "PATCH"), Case.To("/", "infra-backend-v2", headers: H("version", "four"), method: "PATCH"));
    }
}
