using System.Text.Json.Nodes;
using Switchyard.TestKit;
using static Switchyard.EndToEnd.Tests.Conformance.HttpRouteStatusConformanceTests;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): GatewayClass and Gateway status — listener route kinds, certificateRefs and their
/// ReferenceGrants, observedGeneration. One test per upstream test, named by its ShortName.
/// </summary>
public sealed class GatewayConformanceTests : ConformanceTest
{
    /// <summary>A Gateway of our class with one listener (YAML flow mapping content) admitting routes from all namespaces.</summary>
    internal static string Gateway(string name, string listener) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
          listeners: [{{{listener}}}]
        """;

    private static string Https(string certificateRef) =>
        $"name: https, port: 443, protocol: HTTPS, allowedRoutes: {{namespaces: {{from: All}} }}, tls: {{certificateRefs: [{certificateRef}]}}";

    /// <summary>
    /// Upstream's GatewayStatusMustHaveListeners for one listener: its conditions ("Type" → "True", "False" or
    /// "False/Reason"), supportedKinds and attachedRoutes, for the Gateway's current generation.
    /// </summary>
    internal static Task ListenerAsync(string gateway, string listener, string[] kinds, int attachedRoutes, params (string Type, string Expected)[] conditions) =>
        Wait.UntilAsync(() => ListenerMismatch(gateway, listener, kinds, attachedRoutes, conditions) is null, ConformanceEnvironment.Timeout,
            () => $"Gateway {gateway} listener {listener}: {ListenerMismatch(gateway, listener, kinds, attachedRoutes, conditions)}");

    private static string? ListenerMismatch(string gateway, string listener, string[] kinds, int attachedRoutes, (string Type, string Expected)[] conditions)
    {
        var obj = Env.Get("Gateway", Infra, gateway);
        var generation = (long?)obj?["metadata"]?["generation"];
        var status = obj?["status"]?["listeners"]?.AsArray().OfType<JsonObject>().FirstOrDefault(l => (string?)l["name"] == listener);
        if (status is null)
        {
            return "no listener status: " + (obj?["status"]?.ToJsonString() ?? "no status");
        }

        var supported = status["supportedKinds"]?.AsArray().Select(k => (string?)k?["kind"]).ToArray() ?? [];
        // Upstream's listenersMatch (conformance/utils/kubernetes/helpers.go): none expected means none; otherwise the
        // expected kinds must be among the supported ones (an implementation may support more, as we do GRPCRoute).
        var kindsMatch = kinds.Length == 0 ? supported.Length == 0 : kinds.All(supported.Contains);
        if (!kindsMatch || (int?)status["attachedRoutes"] != attachedRoutes)
        {
            return status.ToJsonString();
        }

        foreach (var (type, expected) in conditions)
        {
            var actual = Condition(status, type, generation);
            if (actual is null || !(actual == expected || actual.StartsWith(expected + "/", StringComparison.Ordinal)))
            {
                return $"{type} is {actual ?? "absent (for this generation)"}, expected {expected}: {status.ToJsonString()}";
            }
        }

        return null;
    }

    /// <summary>Upstream's GatewayMustHaveLatestConditions: every Gateway condition is for the current generation.</summary>
    internal static Task LatestConditionsAsync(string gateway) =>
        Wait.UntilAsync(() =>
        {
            var obj = Env.Get("Gateway", Infra, gateway);
            var generation = (long?)obj?["metadata"]?["generation"];
            var conditions = obj?["status"]?["conditions"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            return conditions.Count > 0 && conditions.All(c => (long?)c["observedGeneration"] == generation);
        }, ConformanceEnvironment.Timeout,
            () => $"Gateway {gateway} conditions for its latest generation (now: {Env.Get("Gateway", Infra, gateway)?["status"]?.ToJsonString() ?? "no status"})");

    [Test]
    public async Task GatewayInvalidRouteKind()
    {
        Apply(Gateway("gateway-only-invalid-route-kind", "name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}, kinds: [{kind: InvalidRoute}]}") +
            "\n---\n" + Gateway("gateway-supported-and-invalid-route-kind",
                "name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}, kinds: [{kind: InvalidRoute}, {kind: HTTPRoute}]}"));
        await ListenerAsync("gateway-only-invalid-route-kind", "http", [], 0, ("ResolvedRefs", "False/InvalidRouteKinds"));
        await ListenerAsync("gateway-supported-and-invalid-route-kind", "http", ["HTTPRoute"], 0, ("ResolvedRefs", "False/InvalidRouteKinds"));
    }

    [Test]
    public async Task GatewayInvalidTLSConfiguration()
    {
        Apply(string.Join("\n---\n",
            Gateway("gateway-certificate-nonexistent-secret", Https("{group: \"\", kind: Secret, name: nonexistent-certificate}")),
            Gateway("gateway-certificate-unsupported-group", Https("{group: wrong.group.company.io, kind: Secret, name: tls-validity-checks-certificate}")),
            Gateway("gateway-certificate-unsupported-kind", Https("{group: \"\", kind: WrongKind, name: tls-validity-checks-certificate}")),
            Gateway("gateway-certificate-malformed-secret", Https("{group: \"\", kind: Secret, name: malformed-certificate}")),
            $$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: malformed-certificate, namespace: {{Infra}}}
            type: kubernetes.io/tls
            data: {tls.crt: SGVsbG8gd29ybGQK, tls.key: SGVsbG8gd29ybGQK}
            """));
        foreach (var gateway in new[] { "gateway-certificate-nonexistent-secret", "gateway-certificate-unsupported-group", "gateway-certificate-unsupported-kind",
            "gateway-certificate-malformed-secret" })
        {
            await ListenerAsync(gateway, "https", ["HTTPRoute"], 0, ("ResolvedRefs", "False/InvalidCertificateRef"));
        }
    }

    private const string CertificateInWebBackend = "{group: \"\", kind: Secret, name: certificate, namespace: " + ConformanceEnvironment.WebBackend + "}";

    [Test]
    public async Task GatewaySecretMissingReferenceGrant()
    {
        Apply(Gateway("gateway-secret-missing-reference-grant", Https(CertificateInWebBackend)));
        await ListenerAsync("gateway-secret-missing-reference-grant", "https", ["HTTPRoute"], 0, ("ResolvedRefs", "False/RefNotPermitted"));
    }

    [Test]
    public async Task GatewaySecretInvalidReferenceGrant()
    {
        const string web = ConformanceEnvironment.WebBackend;
        const string gw = "gateway.networking.k8s.io";
        Apply(string.Join("\n---\n",
            Gateway("gateway-secret-invalid-reference-grant", Https(CertificateInWebBackend)),
            Grant("reference-grant-wrong-namespace", ConformanceEnvironment.AppBackend, gw, "Gateway", Infra, "", "Secret", "certificate"),
            Grant("reference-grant-wrong-from-group", web, "not-the-group-youre-looking-for", "Gateway", Infra, "", "Secret", "certificate"),
            Grant("reference-grant-wrong-from-kind", web, gw, "HTTPRoute", Infra, "", "Secret", "certificate"),
            Grant("reference-grant-wrong-from-namespace", web, gw, "Gateway", "not-the-namespace-youre-looking-for", "", "Secret", "certificate"),
            Grant("reference-grant-wrong-to-group", web, gw, "Gateway", Infra, "not-the-group-youre-looking-for", "Secret", "not-the-certificate-youre-looking-for"),
            Grant("reference-grant-wrong-to-kind", web, gw, "Gateway", Infra, "", "Service", "certificate"),
            Grant("reference-grant-wrong-to-name", web, gw, "Gateway", Infra, "", "Secret", "not-the-certificate-youre-looking-for")));
        await ListenerAsync("gateway-secret-invalid-reference-grant", "https", ["HTTPRoute"], 0, ("ResolvedRefs", "False/RefNotPermitted"));
    }

    [Test]
    public async Task GatewaySecretReferenceGrantSpecific()
    {
        Apply(Gateway("gateway-secret-reference-grant-specific", Https(CertificateInWebBackend)) + "\n---\n" +
            Grant("reference-grant-specific", ConformanceEnvironment.WebBackend, "gateway.networking.k8s.io", "Gateway", Infra, "", "Secret", "certificate"));
        await ListenerAsync("gateway-secret-reference-grant-specific", "https", ["HTTPRoute"], 0, ("Programmed", "True/Programmed"), ("ResolvedRefs", "True"));
    }

    [Test]
    public async Task GatewaySecretReferenceGrantAllInNamespace()
    {
        Apply(Gateway("gateway-secret-reference-grant-all-in-namespace", Https(CertificateInWebBackend)) + "\n---\n" + $$"""
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: reference-grant-all-in-namespace, namespace: {{ConformanceEnvironment.WebBackend}}}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: {{Infra}}}]
              to: [{group: "", kind: Secret}]
            """);
        await ListenerAsync("gateway-secret-reference-grant-all-in-namespace", "https", ["HTTPRoute"], 0, ("Programmed", "True/Programmed"), ("ResolvedRefs", "True"));
    }

    [Test]
    public async Task GatewayObservedGenerationBump()
    {
        const string gateway = "gateway-observed-generation-bump";
        Apply(Gateway(gateway, "name: http, hostname: bar.com, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All} }"));
        await LatestConditionsAsync(gateway);
        var original = (long)Env.Get("Gateway", Infra, gateway)!["metadata"]!["generation"]!;
        Apply(Gateway(gateway, "name: http, hostname: bar.com, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All} } }, " +
            "{name: alternate, hostname: foo.com, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All} }"));
        await LatestConditionsAsync(gateway);
        Assert.That((long)Env.Get("Gateway", Infra, gateway)!["metadata"]!["generation"]!, Is.Not.EqualTo(original), "generation should change after an update");
    }

    [Test]
    public async Task GatewayClassObservedGenerationBump()
    {
        string Class(string description) => $$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: gatewayclass-observed-generation-bump}
            spec: {controllerName: {{Controller}}, description: {{description}}}
            """;
        Task AcceptedForLatestAsync() => Wait.UntilAsync(() =>
        {
            var obj = Env.Server.Get("gateway.networking.k8s.io/v1", "GatewayClass", null, "gatewayclass-observed-generation-bump");
            return Condition(obj?["status"], "Accepted", (long?)obj?["metadata"]?["generation"]) is not null;
        }, ConformanceEnvironment.Timeout, "GatewayClass Accepted for its latest generation");
        Apply(Class("old"));
        await AcceptedForLatestAsync();
        var original = (long)Env.Server.Get("gateway.networking.k8s.io/v1", "GatewayClass", null, "gatewayclass-observed-generation-bump")!["metadata"]!["generation"]!;
        Apply(Class("new"));
        await AcceptedForLatestAsync();
        Assert.That((long)Env.Server.Get("gateway.networking.k8s.io/v1", "GatewayClass", null, "gatewayclass-observed-generation-bump")!["metadata"]!["generation"]!,
            Is.Not.EqualTo(original), "generation should change after an update");
    }
}
