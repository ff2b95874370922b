namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): HTTPRoute status — invalid backendRefs and parentRefs, ReferenceGrants, listener
/// kinds and ports, observedGeneration — and the Service kinds backends come from. One test per upstream test, named by
/// its ShortName; the "answers 500" checks of upstream go through the gateway as well.
/// </summary>
public sealed class HttpRouteStatusConformanceTests : ConformanceTest
{
    /// <summary>An HTTPRoute with free-form parentRefs and rules (YAML under spec).</summary>
    private static string Route(string name, string ns, string parentRefs, string rules) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          parentRefs: {{parentRefs}}
          rules: {{rules}}
        """;

    internal static string Grant(string name, string ns, string fromGroup, string fromKind, string fromNamespace, string toGroup, string toKind, string toName) => $$"""
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          from: [{group: "{{fromGroup}}", kind: {{fromKind}}, namespace: {{fromNamespace}}}]
          to: [{group: "{{toGroup}}", kind: {{toKind}}, name: {{toName}}}]
        """;

    private const string SameNamespace = "[{name: same-namespace}]";
    private const string ToWebBackend = "[{backendRefs: [{name: web-backend, namespace: gateway-conformance-web-backend, port: 8080}]}]";

    [Test]
    public async Task HTTPRouteInvalidBackendRefUnknownKind()
    {
        Apply(Route("invalid-backend-ref-unknown-kind", Infra, SameNamespace,
            "[{backendRefs: [{group: unknownkind.example.com, kind: NonExistent, name: infra-backend-v1, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-backend-ref-unknown-kind", "same-namespace", "Accepted", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-backend-ref-unknown-kind", "same-namespace", "ResolvedRefs", "False/InvalidKind");
        await ExpectAsync(new Case(new Req("/v2"), 500));
    }

    [Test]
    public async Task HTTPRouteInvalidCrossNamespaceBackendRef()
    {
        Apply(Route("invalid-cross-namespace-backend-ref", Infra, SameNamespace, ToWebBackend));
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-cross-namespace-backend-ref", "same-namespace", "Accepted", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-cross-namespace-backend-ref", "same-namespace", "ResolvedRefs", "False/RefNotPermitted");
        await ExpectAsync(new Case(new Req("/"), 500));
    }

    [Test]
    public async Task HTTPRouteInvalidCrossNamespaceParentRef()
    {
        const string ns = ConformanceEnvironment.WebBackend;
        Apply(Route("invalid-cross-namespace-parent-ref", ns, $"[{{name: same-namespace, namespace: {Infra}}}]", "[{backendRefs: [{name: web-backend, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", ns, "invalid-cross-namespace-parent-ref", "same-namespace", "ResolvedRefs", "True", Infra);
        await RouteConditionAsync("HTTPRoute", ns, "invalid-cross-namespace-parent-ref", "same-namespace", "Accepted", "False/NotAllowedByListeners", Infra);
        NoAcceptedParents("HTTPRoute", ns, "invalid-cross-namespace-parent-ref");
        ZeroRoutes("same-namespace");
    }

    [Test]
    public async Task HTTPRouteInvalidNonExistentBackendRef()
    {
        Apply(Route("invalid-nonexistent-backend-ref", Infra, SameNamespace, $"[{{backendRefs: [{{name: nonexistent, namespace: {Infra}, port: 8080}}]}}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-nonexistent-backend-ref", "same-namespace", "Accepted", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-nonexistent-backend-ref", "same-namespace", "ResolvedRefs", "False/BackendNotFound");
        await ExpectAsync(new Case(new Req("/"), 500));
    }

    [Test]
    public async Task HTTPRouteInvalidParentRefNotMatchingSectionName()
    {
        Apply(Route("httproute-listener-not-matching-section-name", Infra, $"[{{name: same-namespace, namespace: {Infra}, port: 80, sectionName: http1}}]",
            "[{backendRefs: [{name: infra-backend-v1, kind: Service, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "httproute-listener-not-matching-section-name", "same-namespace", "Accepted", "False/NoMatchingParent");
        NoAcceptedParents("HTTPRoute", Infra, "httproute-listener-not-matching-section-name");
        ZeroRoutes("same-namespace");
    }

    [Test]
    public async Task HTTPRouteInvalidParentRefNotMatchingListenerPort()
    {
        Apply(Route("httproute-listener-not-matching-route-port", Infra, $"[{{name: same-namespace, namespace: {Infra}, port: 81}}]",
            "[{backendRefs: [{name: infra-backend-v1, kind: Service, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "httproute-listener-not-matching-route-port", "same-namespace", "ResolvedRefs", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "httproute-listener-not-matching-route-port", "same-namespace", "Accepted", "False/NoMatchingParent");
        NoAcceptedParents("HTTPRoute", Infra, "httproute-listener-not-matching-route-port");
        ZeroRoutes("same-namespace");
    }

    [Test]
    public async Task HTTPRouteInvalidParentRefSectionNameNotMatchingPort()
    {
        const string gateway = "gateway-with-one-not-matching-port-and-section-name-route";
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: {{gateway}}, namespace: {{Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: All} } }]
            ---
            """ + "\n" + Route("httproute-listener-section-name-not-matching-port", Infra, $"[{{name: {gateway}, namespace: {Infra}, sectionName: http, port: 81}}]",
            "[{backendRefs: [{name: infra-backend-v1, kind: Service, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "httproute-listener-section-name-not-matching-port", gateway, "Accepted", "False/NoMatchingParent");
        NoAcceptedParents("HTTPRoute", Infra, "httproute-listener-section-name-not-matching-port");
        ZeroRoutes(gateway);
    }

    [Test]
    public async Task HTTPRouteInvalidReferenceGrant()
    {
        const string web = ConformanceEnvironment.WebBackend;
        const string gw = "gateway.networking.k8s.io";
        Apply(string.Join("\n---\n",
            Grant("reference-grant-wrong-namespace", Infra, gw, "HTTPRoute", Infra, "", "Service", "web-backend"),
            Grant("reference-grant-wrong-from-group", web, "not-the-group-youre-looking-for", "HTTPRoute", Infra, "", "Service", "web-backend"),
            Grant("reference-grant-wrong-from-kind", web, gw, "Gateway", Infra, "", "Service", "web-backend"),
            Grant("reference-grant-wrong-from-namespace", web, gw, "HTTPRoute", "not-the-namespace-youre-looking-for", "", "Service", "web-backend"),
            Grant("reference-grant-wrong-to-group", web, gw, "HTTPRoute", Infra, "not-the-group-youre-looking-for", "Service", "web-backend"),
            Grant("reference-grant-wrong-to-kind", web, gw, "HTTPRoute", Infra, "", "Secret", "web-backend"),
            Grant("reference-grant-wrong-to-name", web, gw, "HTTPRoute", Infra, "", "Secret", "not-the-service-youre-looking-for"),
            Route("reference-grant", Infra, SameNamespace, ToWebBackend)));
        await RouteConditionAsync("HTTPRoute", Infra, "reference-grant", "same-namespace", "Accepted", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "reference-grant", "same-namespace", "ResolvedRefs", "False/RefNotPermitted");
        await ExpectAsync(new Case(new Req("/"), 500));
    }

    [Test]
    public async Task HTTPRouteReferenceGrant()
    {
        Apply(Grant("reference-grant", ConformanceEnvironment.WebBackend, "gateway.networking.k8s.io", "HTTPRoute", Infra, "", "Service", "web-backend") + "\n---\n" +
            Route("reference-grant", Infra, SameNamespace, ToWebBackend));
        await AcceptedAsync("same-namespace", "reference-grant");
        await ExpectAsync(Case.To("/", "web-backend"));
        Env.Server.Delete("gateway.networking.k8s.io/v1beta1", "ReferenceGrant", ConformanceEnvironment.WebBackend, "reference-grant");
        await ExpectAsync(new Case(new Req("/"), 500));
    }

    [Test]
    public async Task HTTPRoutePartiallyInvalidViaInvalidReferenceGrant()
    {
        const string app = ConformanceEnvironment.AppBackend;
        Apply(Grant("invalid-reference-grant", app, "gateway.networking.k8s.io", "HTTPRoute", Infra, "", "Service", "app-backend-v1") + "\n---\n" +
            Route("invalid-reference-grant", Infra, SameNamespace,
                $"[{{matches: [{{path: {{type: PathPrefix, value: /v2}} }}], backendRefs: [{{name: app-backend-v2, namespace: {app}, port: 8080}}]}}, " +
                $"{{backendRefs: [{{name: app-backend-v1, namespace: {app}, port: 8080}}]}}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-reference-grant", "same-namespace", "Accepted", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "invalid-reference-grant", "same-namespace", "ResolvedRefs", "False/RefNotPermitted");
        await ExpectAsync(new Case(new Req("/v2"), 500), Case.To("/", "app-backend-v1"));
    }

    [Test]
    public async Task HTTPRouteObservedGenerationBump()
    {
        Apply(Route("observed-generation-bump", Infra, SameNamespace, "[{backendRefs: [{name: infra-backend-v1, port: 8080}]}]"));
        await AcceptedAsync("same-namespace", "observed-generation-bump");
        var original = (long)Env.Get("HTTPRoute", Infra, "observed-generation-bump")!["metadata"]!["generation"]!;
        Apply(Route("observed-generation-bump", Infra, SameNamespace, "[{backendRefs: [{name: infra-backend-v2, port: 8080}]}]"));
        var updated = (long)Env.Get("HTTPRoute", Infra, "observed-generation-bump")!["metadata"]!["generation"]!;
        Assert.That(updated, Is.Not.EqualTo(original), "generation should change after an update");

        // RouteConditionAsync waits for the conditions of the current generation: the latest conditions.
        await AcceptedAsync("same-namespace", "observed-generation-bump");
    }

    [Test]
    public async Task HTTPRouteDisallowedKind()
    {
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: tlsroutes-only, namespace: {{Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners: [{name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: TLSRoute}]} }]
            ---
            """ + "\n" + Route("disallowed-kind", Infra, $"[{{name: tlsroutes-only, namespace: {Infra}}}]", "[{backendRefs: [{name: infra-backend-v1, port: 8080}]}]"));
        await RouteConditionAsync("HTTPRoute", Infra, "disallowed-kind", "tlsroutes-only", "ResolvedRefs", "True");
        await RouteConditionAsync("HTTPRoute", Infra, "disallowed-kind", "tlsroutes-only", "Accepted", "False/NotAllowedByListeners");
        NoAcceptedParents("HTTPRoute", Infra, "disallowed-kind");
        ZeroRoutes("tlsroutes-only");
    }

    [Test]
    public async Task HTTPRouteServiceTypes()
    {
        // Upstream's three Service shapes: manual EndpointSlices (no selector), headless with a selector (its slices are
        // the endpoint controller's; here we write them), headless with manual slices. The IPv6 slices stay empty as in
        // an IPv4 cluster.
        var v1 = Env.Backends["infra-backend-v1"];
        string Service(string name, bool headless) => $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{name}}, namespace: {{Infra}}}
            spec: {{{(headless ? "clusterIP: None, " : "")}}ports: [{name: first-port, protocol: TCP, port: 8080, targetPort: 3000}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: {{name}}-ip4, namespace: {{Infra}}, labels: {kubernetes.io/service-name: {{name}}} }
            addressType: IPv4
            ports: [{name: first-port, port: {{v1.HttpPort}}, protocol: TCP}]
            endpoints: [{addresses: [127.0.0.1], conditions: {ready: true} }]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: {{name}}-ip6, namespace: {{Infra}}, labels: {kubernetes.io/service-name: {{name}}} }
            addressType: IPv6
            ports: [{name: first-port, port: {{v1.HttpPort}}, protocol: TCP}]
            endpoints: []
            """;
        Apply(string.Join("\n---\n", Service("manual-endpointslices", false), Service("headless", true), Service("headless-manual-endpointslices", true),
            Route("service-types", Infra, SameNamespace,
                "[{matches: [{path: {type: Exact, value: /manual-endpointslices} }], backendRefs: [{name: manual-endpointslices, port: 8080}]}, " +
                "{matches: [{path: {type: Exact, value: /headless} }], backendRefs: [{name: headless, port: 8080}]}, " +
                "{matches: [{path: {type: Exact, value: /headless-manual-endpointslices} }], backendRefs: [{name: headless-manual-endpointslices, port: 8080}]}]")));
        await AcceptedAsync("same-namespace", "service-types");
        await ExpectAsync(Case.To("/manual-endpointslices", "infra-backend-v1"), Case.To("/headless-manual-endpointslices", "infra-backend-v1"),
            Case.To("/headless", "infra-backend-v1"));
    }
}
