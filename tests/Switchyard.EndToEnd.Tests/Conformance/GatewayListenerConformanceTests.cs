using static Switchyard.EndToEnd.Tests.Conformance.GatewayConformanceTests;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): what listeners report and admit — attached routes counted per listener (also on a
/// listener whose references do not resolve), namespaces selected by labels, requests isolated per listener hostname.
/// One test per upstream test, named by its ShortName.
/// </summary>
public sealed class GatewayListenerConformanceTests : ConformanceTest
{
    /// <summary>Listener content admitting HTTPRoutes of the infra namespace selected by its kubernetes.io/metadata.name label.</summary>
    private const string InfraBySelector =
        "allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: Selector, selector: {matchLabels: {kubernetes.io/metadata.name: " + Infra + "} } } }";

    /// <summary>An HTTPRoute of the infra namespace on <paramref name="parentRef"/> (YAML flow mapping content) with one backendRef.</summary>
    private static string Route(string name, string parentRef, string backend = "infra-backend-v1", string? hostnames = null, string? prefix = null) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          parentRefs: [{kind: Gateway, namespace: {{Infra}}, {{parentRef}}}]
          {{(hostnames is null ? "" : "hostnames: " + hostnames)}}
          rules: [{{{(prefix is null ? "" : $"matches: [{{path: {{type: PathPrefix, value: {prefix}}} }}], ")}}backendRefs: [{name: {{backend}}, port: 8080}]}]
        """;

    [Test]
    public async Task GatewayWithAttachedRoutes()
    {
        Apply(string.Join("\n---\n",
            Gateway("gateway-with-one-attached-route", "name: http, port: 80, protocol: HTTP, " + InfraBySelector),
            Route("http-route-1", "name: gateway-with-one-attached-route"),
            Gateway("gateway-with-two-attached-routes", "name: http, port: 80, protocol: HTTP, hostname: foo.example.com, " + InfraBySelector),
            Route("http-route-2", "name: gateway-with-two-attached-routes"),
            Route("http-route-3", "name: gateway-with-two-attached-routes"),
            Route("http-route-not-accepted", "name: gateway-with-two-attached-routes", hostnames: "[not-accepted.test.com]"),
            Gateway("unresolved-gateway-with-one-attached-unresolved-route", "name: tls, port: 443, protocol: HTTPS, " + InfraBySelector +
                ", tls: {mode: Terminate, certificateRefs: [{group: \"\", kind: Secret, name: does-not-exist}]}"),
            Route("http-route-4", "name: unresolved-gateway-with-one-attached-unresolved-route, sectionName: tls", backend: "does-not-exist")));

        // Gateway listener should have one valid http routes attached.
        await ListenerAsync("gateway-with-one-attached-route", "http", ["HTTPRoute"], 1, ("Accepted", "True"), ("ResolvedRefs", "True"));

        // Gateway listener should have two valid http routes attached.
        await ListenerAsync("gateway-with-two-attached-routes", "http", ["HTTPRoute"], 2, ("Accepted", "True"), ("ResolvedRefs", "True"));
        await RouteConditionAsync("HTTPRoute", Infra, "http-route-not-accepted", "gateway-with-two-attached-routes", "Accepted", "False/NoMatchingListenerHostname");

        // Gateway listener should have AttachedRoutes set even when Gateway has unresolved refs.
        await ListenerAsync("unresolved-gateway-with-one-attached-unresolved-route", "tls", ["HTTPRoute"], 1, ("Programmed", "False"), ("ResolvedRefs", "False"));
        await RouteConditionAsync("HTTPRoute", Infra, "http-route-4", "unresolved-gateway-with-one-attached-unresolved-route", "ResolvedRefs", "False");
    }

    [Test]
    public async Task GatewayWithAttachedRoutesWithPort8080()
    {
        const string all = "allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: All} }";
        Apply(Gateway("gateway-with-two-listeners-and-one-attached-route", $"name: http-unattached, port: 8080, protocol: HTTP, {all}}}, {{name: http, port: 80, protocol: HTTP, {all}") +
            "\n---\n" + Route("http-route-4-port-8080", "name: gateway-with-two-listeners-and-one-attached-route, sectionName: http"));

        // Gateway listener should have attached route by specifying the sectionName.
        await ListenerAsync("gateway-with-two-listeners-and-one-attached-route", "http-unattached", ["HTTPRoute"], 0, ("Accepted", "True"), ("ResolvedRefs", "True"));
        await ListenerAsync("gateway-with-two-listeners-and-one-attached-route", "http", ["HTTPRoute"], 1, ("Accepted", "True"), ("ResolvedRefs", "True"));
    }

    [Test]
    public async Task GatewayModifyListeners()
    {
        const string https = "name: https, port: 443, protocol: HTTPS, hostname: secure.test.com, allowedRoutes: {namespaces: {from: All} }, " +
            "tls: {certificateRefs: [{group: \"\", kind: Secret, name: tls-validity-checks-certificate, namespace: " + Infra + "}]}";
        const string http = "name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All} }";
        const string httpWithHostname = "name: http, port: 80, protocol: HTTP, hostname: data.test.com, allowedRoutes: {namespaces: {from: All} }";
        Apply(string.Join("\n---\n",
            Gateway("gateway-add-listener", https), Route("http-route-1", "name: gateway-add-listener"),
            Gateway("gateway-remove-listener", https + "}, {" + http), Route("http-route-2", "name: gateway-remove-listener")));

        // Should be able to add a listener that then becomes available for routing traffic.
        await LatestConditionsAsync("gateway-add-listener");
        var original = Generation("gateway-add-listener");
        Apply(Gateway("gateway-add-listener", https + "}, {" + httpWithHostname));
        await ListenerAsync("gateway-add-listener", "https", ["HTTPRoute"], 1, ("Accepted", "True"), ("ResolvedRefs", "True"));
        await ListenerAsync("gateway-add-listener", "http", ["HTTPRoute"], 1, ("Accepted", "True"), ("ResolvedRefs", "True"));
        await LatestConditionsAsync("gateway-add-listener");
        Assert.That(Generation("gateway-add-listener"), Is.Not.EqualTo(original), "generation should change after an update");

        // Should be able to remove listeners, which would then stop routing the relevant traffic.
        await LatestConditionsAsync("gateway-remove-listener");
        original = Generation("gateway-remove-listener");
        Apply(Gateway("gateway-remove-listener", http));
        await ListenerAsync("gateway-remove-listener", "http", ["HTTPRoute"], 1, ("Accepted", "True"), ("ResolvedRefs", "True"));
        await Switchyard.TestKit.Wait.UntilAsync(() => Env.Get("Gateway", Infra, "gateway-remove-listener")?["status"]?["listeners"]?.AsArray().Count == 1,
            ConformanceEnvironment.Timeout, () => $"only the http listener in the status: {Env.Get("Gateway", Infra, "gateway-remove-listener")?["status"]?.ToJsonString()}");
        await LatestConditionsAsync("gateway-remove-listener");
        Assert.That(Generation("gateway-remove-listener"), Is.Not.EqualTo(original), "generation should change after an update");
    }

    [Test]
    public async Task GatewayHTTPListenerIsolation()
    {
        // Upstream's four listeners on port 80, from no hostname to an exact one, each with one route (PathPrefix /<listener>).
        string[] listeners = ["empty-hostname", "wildcard-example-com", "wildcard-foo-example-com", "abc-foo-example-com"];
        string?[] hostnames = [null, "\"*.example.com\"", "\"*.foo.example.com\"", "abc.foo.example.com"];
        string Manifests(string gateway, string? routeHostnames, string suffix)
        {
            var all = string.Join("}, {", listeners.Select((l, i) =>
                $"name: {l}, port: 80, protocol: HTTP, " + (hostnames[i] is { } h ? $"hostname: {h}, " : "") + "allowedRoutes: {namespaces: {from: All} }"));
            return string.Join("\n---\n", new[] { Gateway(gateway, all) }.Concat(listeners.Select(l =>
                Route("attaches-to-" + l + suffix, $"name: {gateway}, sectionName: {l}", hostnames: routeHostnames, prefix: "/" + l))));
        }

        // Each host reaches the routes of its most specific listener only (upstream's sixteen cases).
        var hosts = new[] { "bar.com", "bar.example.com", "bar.foo.example.com", "abc.foo.example.com" };
        var cases = hosts.SelectMany((host, hi) => listeners.Select((l, li) =>
            hi == li ? Case.To("/" + l, "infra-backend-v1", host) : Case.NotFound("/" + l, host))).ToList();

        // Hostnames configured only in listeners. Each Gateway is checked alone: here they share the port-80 entry point.
        const string gw = "http-listener-isolation";
        Apply(Manifests(gw, null, ""));
        await AcceptedAsync(gw, [.. listeners.Select(l => "attaches-to-" + l)]);
        await ExpectAsync(cases);
        await RemoveAppliedAsync();

        // Intersecting hostnames in listeners and HTTPRoutes: every route names all four hosts; isolation still holds.
        const string intersecting = "http-listener-isolation-with-hostname-intersection";
        Apply(Manifests(intersecting, "[bar.com, \"*.example.com\", \"*.foo.example.com\", abc.foo.example.com]", "-with-hostname-intersection"));
        await AcceptedAsync(intersecting, [.. listeners.Select(l => "attaches-to-" + l + "-with-hostname-intersection")]);
        await ExpectAsync(cases);
    }

    private static long Generation(string gateway) => (long)Env.Get("Gateway", Infra, gateway)!["metadata"]!["generation"]!;
}
