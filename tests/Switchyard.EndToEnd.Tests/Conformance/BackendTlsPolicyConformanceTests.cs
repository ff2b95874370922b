using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1), BackendTLSPolicy (extended): upstream's tls-backend is
/// <see cref="ConformanceEnvironment.TlsBackend"/>, a real HTTPS echo backend that reports the SNI it was reached with,
/// its certificate signed by the CA of ConfigMap tls-checks-ca-certificate; mismatch-ca-certificate holds a CA that signs
/// nothing. One test per upstream test, named by its ShortName.
/// </summary>
/// <remarks>
/// Upstream's failure cases (MakeRequestAndExpectFailure) accept any answer but 200 and timeouts; here they must be a
/// 5xx other than 504, and the host-mismatch case is sent with the route's hostname abc.example.com (upstream sends
/// abc.example.org, which no route matches, so its 404 would pass whatever the policy did).
/// </remarks>
public sealed class BackendTlsPolicyConformanceTests : ConformanceTest
{
    private const string SameNamespace = "same-namespace";
    private const string TlsChecksCa = "tls-checks-ca-certificate";

    [Test]
    public async Task BackendTLSPolicy()
    {
        Apply(Route("backendtlspolicy", "abc.example.com", SameNamespace,
            ("/backendtlspolicy", "backendtlspolicy-test", 443), ("/backendtlspolicy-host-mismatch", "backendtlspolicy-host-mismatch-test", 443),
            ("/backendtlspolicy-cert-mismatch", "backendtlspolicy-cert-mismatch-test", 443)));
        Apply(Route("backendtlspolicy-reencrypt", "https-listener.org", "same-namespace-with-https-listener", ("/backendtlspolicy", "backendtlspolicy-test", 443)));
        Apply(TlsService("backendtlspolicy-test", ("btls", 443, null)));
        Apply(TlsService("backendtlspolicy-host-mismatch-test", ("btls", 443, "HTTPS")));
        Apply(TlsService("backendtlspolicy-cert-mismatch-test", ("btls", 443, "HTTPS")));
        Apply(Policy("normative-test", "backendtlspolicy-test", "btls", TlsChecksCa, "abc.example.com"));
        Apply(Policy("host-mismatch", "backendtlspolicy-host-mismatch-test", "btls", TlsChecksCa, "mismatch.example.com"));
        Apply(Policy("cert-mismatch", "backendtlspolicy-cert-mismatch-test", "btls", "mismatch-ca-certificate", "abc.example.com"));

        // Re-encrypt: HTTPS to the listener (SNI https-listener.org), HTTPS to the backend with the policy's hostname as SNI.
        await AcceptedAsync("same-namespace-with-https-listener", "backendtlspolicy-reencrypt");
        await PolicyAsync("normative-test", "same-namespace-with-https-listener", "Accepted", "True/Accepted");
        await PolicyAsync("normative-test", "same-namespace-with-https-listener", "ResolvedRefs", "True/ResolvedRefs");
        using var tls = ConformanceClient.Tls("https-listener.org", Env.Ca);
        await ExpectAsync([ToTlsBackend("/backendtlspolicy", "abc.example.com", host: "https-listener.org")], Env.HttpsPort, "https", tls);

        await AcceptedAsync(SameNamespace, "backendtlspolicy");
        await PolicyAsync("normative-test", SameNamespace, "Accepted", "True/Accepted");
        await PolicyAsync("normative-test", SameNamespace, "ResolvedRefs", "True/ResolvedRefs");
        await ExpectAsync(ToTlsBackend("/backendtlspolicy", "abc.example.com"));

        foreach (var (policy, path) in new[] { ("host-mismatch", "/backendtlspolicy-host-mismatch"), ("cert-mismatch", "/backendtlspolicy-cert-mismatch") })
        {
            await PolicyAsync(policy, SameNamespace, "Accepted", "True/Accepted");
            await PolicyAsync(policy, SameNamespace, "ResolvedRefs", "True/ResolvedRefs");
            await FailsAsync(path);
        }
    }

    [Test]
    public async Task BackendTLSPolicyConflictResolution()
    {
        Apply(Route("backendtlspolicy-conflict-resolution", "abc.example.com", SameNamespace,
            ("/backendtlspolicy-conflicted-without-section-name", "backendtlspolicy-conflicted-without-section-name-test", 443),
            ("/backendtlspolicy-conflicted-with-section-name", "backendtlspolicy-conflicted-with-section-name-test", 443),
            ("/backendtlspolicy-not-conflicted-with-section-name", "backendtlspolicy-not-conflicted-test", 443),
            ("/backendtlspolicy-not-conflicted-without-section-name", "backendtlspolicy-not-conflicted-test", 8443)));
        Apply(TlsService("backendtlspolicy-conflicted-without-section-name-test", ("https", 443, null)));
        Apply(TlsService("backendtlspolicy-conflicted-with-section-name-test", ("https-1", 443, null), ("https-2", 8443, null)));
        Apply(TlsService("backendtlspolicy-not-conflicted-test", ("https-1", 443, null), ("https-2", 8443, null)));
        Apply(Policy("conflicted-without-section-name-1", "backendtlspolicy-conflicted-without-section-name-test", null, TlsChecksCa, "other.example.com"));
        Apply(Policy("conflicted-without-section-name-2", "backendtlspolicy-conflicted-without-section-name-test", null, TlsChecksCa, "abc.example.com"));
        Apply(Policy("conflicted-with-section-name-1", "backendtlspolicy-conflicted-with-section-name-test", "https-1", TlsChecksCa, "other.example.com"));
        Apply(Policy("conflicted-with-section-name-2", "backendtlspolicy-conflicted-with-section-name-test", "https-1", TlsChecksCa, "abc.example.com"));
        Apply(Policy("not-conflicted-with-section-name", "backendtlspolicy-not-conflicted-test", "https-1", TlsChecksCa, "other.example.com"));
        Apply(Policy("not-conflicted-without-section-name", "backendtlspolicy-not-conflicted-test", null, TlsChecksCa, "abc.example.com"));
        await AcceptedAsync(SameNamespace, "backendtlspolicy-conflict-resolution");

        foreach (var kind in new[] { "without-section-name", "with-section-name" })
        {
            await PolicyAsync($"conflicted-{kind}-1", SameNamespace, "Accepted", "True/Accepted");
            await PolicyAsync($"conflicted-{kind}-2", SameNamespace, "Accepted", "False/Conflicted");
            await ExpectAsync(ToTlsBackend($"/backendtlspolicy-conflicted-{kind}", "other.example.com"));
        }

        // A port-specific policy and a whole-Service one on the same Service do not conflict: each port gets its own.
        await PolicyAsync("not-conflicted-with-section-name", SameNamespace, "Accepted", "True/Accepted");
        await PolicyAsync("not-conflicted-without-section-name", SameNamespace, "Accepted", "True/Accepted");
        await ExpectAsync(
            ToTlsBackend("/backendtlspolicy-not-conflicted-with-section-name", "other.example.com"),
            ToTlsBackend("/backendtlspolicy-not-conflicted-without-section-name", "abc.example.com"));
    }

    [Test]
    public async Task BackendTLSPolicyInvalidCACertificateRef()
    {
        Apply(Route("backendtlspolicy-invalid-ca-certificate-ref", "abc.example.com", SameNamespace,
            ("/backendtlspolicy-nonexistent-ca-certificate-ref", "backendtlspolicy-nonexistent-ca-certificate-ref-test", 443),
            ("/backendtlspolicy-malformed-ca-certificate-ref", "backendtlspolicy-malformed-ca-certificate-ref-test", 443)));
        Apply(TlsService("backendtlspolicy-nonexistent-ca-certificate-ref-test", ("https", 443, "HTTPS")));
        Apply(TlsService("backendtlspolicy-malformed-ca-certificate-ref-test", ("https", 443, "HTTPS")));
        Apply(Policy("nonexistent-ca-certificate-ref", "backendtlspolicy-nonexistent-ca-certificate-ref-test", null, "nonexistent-ca-certificate", "abc.example.com"));
        Apply(Policy("malformed-ca-certificate-ref", "backendtlspolicy-malformed-ca-certificate-ref-test", null, "malformed-ca-certificate", "abc.example.com"));
        Apply($$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: malformed-ca-certificate, namespace: {{Infra}}}
            data: {}
            """);
        await RouteConditionAsync("HTTPRoute", Infra, "backendtlspolicy-invalid-ca-certificate-ref", SameNamespace, "Accepted", "True/Accepted");

        foreach (var policy in new[] { "nonexistent-ca-certificate-ref", "malformed-ca-certificate-ref" })
        {
            await PolicyAsync(policy, SameNamespace, "Accepted", "False/NoValidCACertificate");
            await PolicyAsync(policy, SameNamespace, "ResolvedRefs", "False/InvalidCACertificateRef");
            await FailsAsync("/backendtlspolicy-" + policy, 500, 502, 503);
        }
    }

    [Test]
    public async Task BackendTLSPolicyInvalidKind()
    {
        Apply(Route("backendtlspolicy-invalid-kind-test", "abc.example.com", SameNamespace,
            ("/backendtlspolicy-invalid-kind", "backendtlspolicy-invalid-kind-test", 443)));
        Apply(TlsService("backendtlspolicy-invalid-kind-test", ("https", 443, "HTTPS")));
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: invalid-kind, namespace: {{Infra}}}
            spec:
              targetRefs: [{group: "", kind: Service, name: backendtlspolicy-invalid-kind-test}]
              validation:
                caCertificateRefs: [{group: invalid.io, kind: InvalidKind, name: invalid-kind}]
                hostname: abc.example.com
            """);
        await RouteConditionAsync("HTTPRoute", Infra, "backendtlspolicy-invalid-kind-test", SameNamespace, "Accepted", "True/Accepted");
        await PolicyAsync("invalid-kind", SameNamespace, "Accepted", "False/NoValidCACertificate");
        await PolicyAsync("invalid-kind", SameNamespace, "ResolvedRefs", "False/InvalidKind");
        await FailsAsync("/backendtlspolicy-invalid-kind", 500, 502, 503);
    }

    [Test]
    public async Task BackendTLSPolicyObservedGenerationBump()
    {
        // Upstream's Service selects no pod: no EndpointSlice here either.
        Apply(Route("backendtlspolicy-observed-generation-bump", null, SameNamespace, (null, "observed-generation-bump-test", 443)));
        Apply($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: observed-generation-bump-test, namespace: {{Infra}}}
            spec:
              ports: [{name: https, protocol: TCP, port: 443}]
            """);
        Apply(Policy("observed-generation-bump", "observed-generation-bump-test", "https", TlsChecksCa, "abc.example.com"));
        await PolicyAsync("observed-generation-bump", SameNamespace, "Accepted", "True");
        var original = Generation("observed-generation-bump");

        Apply(Policy("observed-generation-bump", "observed-generation-bump-test", "https", TlsChecksCa, "foo.example.com"));
        await PolicyAsync("observed-generation-bump", SameNamespace, "Accepted", "True");
        Assert.That(Generation("observed-generation-bump"), Is.Not.EqualTo(original), "generation should change after an update");
        var ancestors = PolicyObject("observed-generation-bump")?["status"]?["ancestors"]?.AsArray() ?? [];
        Assert.That(ancestors.SelectMany(a => a?["conditions"]?.AsArray() ?? []).Select(c => (long?)c?["observedGeneration"]),
            Is.Not.Empty.And.All.EqualTo(Generation("observed-generation-bump")), "every condition is of the latest generation");
    }

    [Test]
    public async Task BackendTLSPolicySANValidation()
    {
        (string Policy, string Sans, bool Passes)[] cases =
        [
            ("san-dns", "[{type: Hostname, hostname: abc.example.com}]", true),
            ("san-dns-mismatch", "[{type: Hostname, hostname: dce.example.com}]", false),
            ("san-uri", "[{type: URI, uri: 'spiffe://abc.example.com/test-identity'}]", true),
            ("san-uri-mismatch", "[{type: URI, uri: 'spiffe://def.example.com/test-identity'}]", false),
            ("multiple-sans", "[{type: URI, uri: 'spiffe://abc.example.com/test-identity'}, {type: Hostname, hostname: abc.example.com}]", true),
            ("multiple-mismatch-sans", "[{type: URI, uri: 'spiffe://def.example.com/test-identity'}, {type: Hostname, hostname: def.example.com}]", false),
        ];
        Apply(Route("backendtlspolicy-san-test", "abc.example.com", SameNamespace,
            [.. cases.Select(c => ((string?)$"/backendtlspolicy-{c.Policy}", $"backendtlspolicy-{c.Policy}-test", 443))]));
        foreach (var (policy, sans, _) in cases)
        {
            Apply(TlsService($"backendtlspolicy-{policy}-test", ("btls", 443, policy == "san-dns" ? null : "HTTPS")));
            Apply(Policy(policy, $"backendtlspolicy-{policy}-test", "btls", TlsChecksCa, "abc.example.com", sans));
        }

        await AcceptedAsync(SameNamespace, "backendtlspolicy-san-test");
        foreach (var (policy, _, passes) in cases)
        {
            await PolicyAsync(policy, SameNamespace, "Accepted", "True/Accepted");
            if (passes)
            {
                await ExpectAsync(ToTlsBackend($"/backendtlspolicy-{policy}", "abc.example.com"));
            }
            else
            {
                await FailsAsync($"/backendtlspolicy-{policy}");
            }
        }
    }

    /// <summary>A 200 from the tls-backend, which was reached with SNI <paramref name="sni"/>.</summary>
    private static Case ToTlsBackend(string path, string sni, string host = "abc.example.com") =>
        new(new Req(path, host), 200, "tls-backend", Infra, new SeenRequest(Sni: sni));

    /// <summary>
    /// Upstream's MakeRequestAndExpectFailure: once the answer is an error, five in a row are (here: one of
    /// <paramref name="statuses"/>, or any 5xx but 504 when none is given).
    /// </summary>
    private static async Task FailsAsync(string path, params int[] statuses)
    {
        bool Failed(int status) => statuses.Length > 0 ? statuses.Contains(status) : status is >= 500 and not 504;
        var request = new Req(path, "abc.example.com");
        var last = 0;
        await Wait.UntilAsync(async () => Failed(last = (await ConformanceClient.SendAsync(Env.HttpPort, request)).Status), TimeSpan.FromSeconds(5),
            () => $"{path} to fail (last status {last})");
        for (var i = 0; i < 5; i++)
        {
            var status = (await ConformanceClient.SendAsync(Env.HttpPort, request)).Status;
            Assert.That(Failed(status), $"{path} answered {status}, expected it to keep failing");
        }
    }

    private static JsonObject? PolicyObject(string name) => Env.Server.Get("gateway.networking.k8s.io/v1", "BackendTLSPolicy", Infra, name);

    private static long? Generation(string name) => (long?)PolicyObject(name)?["metadata"]?["generation"];

    private static JsonObject? Ancestor(string policy, string gateway) =>
        PolicyObject(policy)?["status"]?["ancestors"]?.AsArray().OfType<JsonObject>().FirstOrDefault(a =>
            (string?)a["controllerName"] == Controller && (string?)a["ancestorRef"]?["name"] == gateway &&
            ((string?)a["ancestorRef"]?["namespace"] ?? Infra) == Infra);

    /// <summary>Upstream's BackendTLSPolicyMustHaveCondition, for the policy's current generation ("True" matches any reason).</summary>
    private static Task PolicyAsync(string policy, string gateway, string type, string expected) =>
        Wait.UntilAsync(() =>
        {
            var actual = Condition(Ancestor(policy, gateway), type, Generation(policy));
            return actual is not null && (actual == expected || actual.StartsWith(expected + "/", StringComparison.Ordinal));
        }, ConformanceEnvironment.Timeout, () => $"BackendTLSPolicy {policy} ancestor {gateway}: {type} {expected} (now: " +
            $"{Ancestor(policy, gateway)?.ToJsonString() ?? "no ancestor entry"})");

    /// <summary>An HTTPRoute with one rule per (Exact path, Service, port); a null path is a rule without matches.</summary>
    private static string Route(string name, string? hostname, string gateway, params (string? Path, string Service, int Port)[] rules)
    {
        var yaml = new StringBuilder($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: {{name}}, namespace: {{Infra}}}
            spec:
              parentRefs: [{name: {{gateway}}, namespace: {{Infra}}}]
            {{(hostname is null ? "" : $"  hostnames: [{hostname}]")}}
              rules:

            """);
        foreach (var (path, service, port) in rules)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - backendRefs: [{{group: \"\", kind: Service, name: {service}, port: {port}}}]\n");
            if (path is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    matches: [{{path: {{type: Exact, value: {path}}}}}]\n");
            }
        }

        return yaml.ToString();
    }

    /// <summary>A Service (upstream's selects app: tls-backend) whose ports all lead to the tls-backend's HTTPS port.</summary>
    private static string TlsService(string name, params (string Name, int Port, string? AppProtocol)[] ports) =>
        ConformanceManifests.Service(name, Infra, [.. ports.Select(p => (p.Name, p.Port, p.AppProtocol, Env.TlsBackend.TlsPort))]);

    private static string Policy(string name, string service, string? sectionName, string caConfigMap, string hostname, string? subjectAltNames = null) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          targetRefs: [{group: "", kind: Service, name: {{service}}{{(sectionName is null ? "" : ", sectionName: " + sectionName)}}}]
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: {{caConfigMap}}}]
            hostname: {{hostname}}
        {{(subjectAltNames is null ? "" : "    subjectAltNames: " + subjectAltNames)}}
        """;
}
