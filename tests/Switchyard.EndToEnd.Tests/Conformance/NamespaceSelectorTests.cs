using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Not an upstream test: a Namespace's labels changing re-evaluates which routes a <c>from: Selector</c> listener admits
/// (the base Gateway backend-namespaces selects gateway-conformance: backend), through the fake API server's watch of
/// Namespaces, the status written and the calls served.
/// </summary>
public sealed class NamespaceSelectorTests : ConformanceTest
{
    private const string Web = ConformanceEnvironment.WebBackend;

    private static void Label(string value) => Env.Server.ApplyYaml($$"""
        apiVersion: v1
        kind: Namespace
        metadata: {name: {{Web}}, labels: {gateway-conformance: {{value}}} }
        """);

    [Test]
    public async Task A_namespace_relabelled_out_of_the_selector_detaches_its_routes_and_back_in_attaches_them()
    {
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: relabelled, namespace: {{Web}}}
            spec:
              parentRefs: [{name: backend-namespaces, namespace: {{Infra}}}]
              rules: [{matches: [{path: {type: PathPrefix, value: /relabelled} }], backendRefs: [{name: web-backend, port: 8080}]}]
            """);
        await RouteConditionAsync("HTTPRoute", Web, "relabelled", "backend-namespaces", "Accepted", "True/Accepted", Infra);
        await ExpectAsync(Case.To("/relabelled", "web-backend"));
        try
        {
            Label("elsewhere");
            await RouteConditionAsync("HTTPRoute", Web, "relabelled", "backend-namespaces", "Accepted", "False/NotAllowedByListeners", Infra);
            await ExpectAsync(Case.NotFound("/relabelled"));
            Assert.That(Env.Server.Get("v1", "Namespace", null, Web)?["metadata"]?["labels"]?["kubernetes.io/metadata.name"]?.GetValue<string>(), Is.EqualTo(Web),
                "the API server keeps the name label on every write");
        }
        finally
        {
            Label("backend");
        }

        await RouteConditionAsync("HTTPRoute", Web, "relabelled", "backend-namespaces", "Accepted", "True/Accepted", Infra);
        await ExpectAsync(Case.To("/relabelled", "web-backend"));
    }
}
