using System.Net;
using Grpc.Core;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tests.Transport;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.GatewayApi;

/// <summary>
/// BackendTLSPolicy end to end (issue 19 item 1): real TLS backends (Kestrel HTTPS, Grpc.AspNetCore over TLS) with a
/// certificate from a CA the test makes; an HTTPRoute / GRPCRoute whose Service a policy targets reaches them over TLS,
/// verified with the policy's CA (ConfigMap ca.crt) and hostname; a policy with another CA, or whose hostname the
/// certificate does not carry, fails the call (502 / UNAVAILABLE); a policy whose CA ref does not resolve answers 500.
/// </summary>
[CancelAfter(60_000)]
public class BackendTlsPolicyTests
{
    private const string Hostname = "backend.example.test";

    [Test]
    public async Task HttpRoute_UsesTlsVerifiedWithThePolicysCa_AndFailsWithAnotherCaOrHostname()
    {
        using var ca = TestCertificates.CreateCa("backend CA");
        using var otherCa = TestCertificates.CreateCa("other CA");
        using var certificate = TestCertificates.IssueServer(ca, Hostname);
        await using var backend = await TlsHttpBackend.StartAsync(certificate);
        await using var gw = await Gateway.StartAsync();
        var manifests = string.Join("\n---\n",
            GatewayAndClass,
            CaConfigMap("right-ca", ca),
            CaConfigMap("other-ca", otherCa),
            Service("good", backend.Port, "https-port"),
            Service("wrong-ca", backend.Port, "https-port"),
            Service("wrong-host", backend.Port, "https-port"),
            Service("missing-ca", backend.Port, "https-port"),
            Service("plain", backend.Port, "https-port"),
            Service("san-ok", backend.Port, "https-port"),
            Service("san-wrong", backend.Port, "https-port"),
            Policy("good", "good", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: right-ca}]", Hostname),
            Policy("wrong-ca", "wrong-ca", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: other-ca}]", Hostname),
            Policy("wrong-host", "wrong-host", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: right-ca}]", "other.example.test"),
            Policy("missing-ca", "missing-ca", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: nowhere}]", Hostname),
            // subjectAltNames: one of them must be on the certificate, and the hostname (SNI only) is not checked.
            Policy("san-ok", "san-ok", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: right-ca}]\n    subjectAltNames: [{type: Hostname, hostname: " + Hostname + "}]", "sni-only.example.test"),
            Policy("san-wrong", "san-wrong", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: right-ca}]\n    subjectAltNames: [{type: URI, uri: \"spiffe://cluster.local/ns/default/sa/other\"}]", Hostname),
            HttpRoute("good"), HttpRoute("wrong-ca"), HttpRoute("wrong-host"), HttpRoute("missing-ca"), HttpRoute("plain"), HttpRoute("san-ok"), HttpRoute("san-wrong"));
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(manifests, "backendtls.yaml"));
        Assert.That(result.Diagnostics.Where(d => d.Severity is Severity.Error or Severity.Warning).Select(d => d.Code).Distinct(),
            Is.EquivalentTo(new[] { DiagnosticCodes.GatewayBackendTlsPolicyInvalid, DiagnosticCodes.GatewayBackendRefInvalid }),
            string.Join("\n", result.Diagnostics.Select(d => d.Format())));
        gw.Apply(result.Table);

        using var client = new HttpClient();
        async Task<(HttpStatusCode Status, string Body)> GetAsync(string service)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/");
            request.Headers.Host = $"{service}.example.com";
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var good = await GetAsync("good");
        var wrongCa = await GetAsync("wrong-ca");
        var wrongHost = await GetAsync("wrong-host");
        var missingCa = await GetAsync("missing-ca");
        var plain = await GetAsync("plain");
        var sanOk = await GetAsync("san-ok");
        var sanWrong = await GetAsync("san-wrong");

        Assert.Multiple(() =>
        {
            Assert.That(good.Status, Is.EqualTo(HttpStatusCode.OK), good.Body);
            Assert.That(good.Body, Does.StartWith("HTTP/2"), "TLS with ALPN h2 to the backend");
            Assert.That(wrongCa.Status, Is.EqualTo(HttpStatusCode.BadGateway), "the certificate does not chain to the policy's CA");
            Assert.That(wrongHost.Status, Is.EqualTo(HttpStatusCode.BadGateway), "the certificate does not carry the policy's hostname");
            Assert.That(missingCa.Status, Is.EqualTo(HttpStatusCode.InternalServerError), "an unresolved caCertificateRef fails the calls (spec: 5xx)");
            Assert.That(plain.Status, Is.EqualTo(HttpStatusCode.BadGateway), "without a policy the https-named port is https verified with the system roots");
            Assert.That(sanOk.Status, Is.EqualTo(HttpStatusCode.OK), "the certificate carries one of the subjectAltNames (the hostname is not checked then)");
            Assert.That(sanWrong.Status, Is.EqualTo(HttpStatusCode.BadGateway), "the certificate carries none of the subjectAltNames, though it has the hostname");
        });
    }

    [Test]
    public async Task GrpcRoute_OverTlsWithThePolicy_AndUnavailableWithAnotherCa()
    {
        using var ca = TestCertificates.CreateCa("grpc backend CA");
        using var otherCa = TestCertificates.CreateCa("other CA");
        using var certificate = TestCertificates.IssueServer(ca, Hostname);
        await using var backend = await GrpcTestBackend.StartAsync("tls-grpc", new GrpcTestBackendOptions { Certificate = certificate });
        await using var gw = await Gateway.StartAsync();
        var manifests = string.Join("\n---\n",
            GatewayAndClass,
            CaSecret("right-ca", ca),
            CaConfigMap("other-ca", otherCa),
            Service("echo", backend.Port, "grpc"),
            Policy("echo-tls", "echo", "caCertificateRefs: [{group: \"\", kind: Secret, name: right-ca}]", Hostname),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: echo, namespace: default}
            spec:
              parentRefs: [{name: gw}]
              rules:
                - backendRefs: [{name: echo, port: 443}]
            """);
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(manifests, "grpc-backendtls.yaml"));
        Assert.That(result.Diagnostics.Where(d => d.Severity is Severity.Error or Severity.Warning).Select(d => d.Format()), Is.Empty);
        gw.Apply(result.Table);
        var client = gw.Client();
        var reply = await client.UnaryAsync(new EchoRequest { Message = "over tls" });

        // The same Service with a policy trusting another CA: the TLS handshake to the backend fails.
        var wrong = RoutingCompiler.Compile(ManifestLoader.LoadText(manifests.Replace("{group: \"\", kind: Secret, name: right-ca}", "{group: \"\", kind: ConfigMap, name: other-ca}", StringComparison.Ordinal), "grpc-wrong-ca.yaml"));
        gw.Apply(wrong.Table);
        var calls = backend.Calls;
        var failed = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { Message = "wrong ca" }));

        Assert.Multiple(() =>
        {
            Assert.That(reply.Server, Is.EqualTo("tls-grpc"));
            Assert.That(failed!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(backend.Calls, Is.EqualTo(calls), "no call reaches the backend whose certificate is not trusted");
        });
    }

    /// <summary>Our GatewayClass and Gateway gw; its one listener admits routes of its own namespace only.</summary>
    private static readonly string GatewayAndClass =
        GatewayApiManifests.GatewayAndClass(GatewayApiManifests.WebListener + ", allowedRoutes: {namespaces: {from: Same}}");

    private static string Indented(string pem) => string.Join("\n", pem.Trim().Split('\n').Select(l => "    " + l));

    private static string CaConfigMap(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 ca) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: {{name}}, namespace: default}
        data:
          ca.crt: |
        {{Indented(TestCertificates.CertificatePem(ca))}}
        """;

    private static string CaSecret(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 ca) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: {{name}}, namespace: default}
        stringData:
          ca.crt: |
        {{Indented(TestCertificates.CertificatePem(ca))}}
        """;

    /// <summary>A Service port 443 (named <paramref name="portName"/>) whose one endpoint is the backend on 127.0.0.1.</summary>
    private static string Service(string name, int port, string portName) => GatewayApiManifests.Backend(name, port, portName, servicePort: 443);

    private static string Policy(string name, string service, string cas, string hostname) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: {{name}}, namespace: default}
        spec:
          targetRefs: [{group: "", kind: Service, name: {{service}}}]
          validation:
            hostname: {{hostname}}
            {{cas}}
        """;

    private static string HttpRoute(string service) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: {{service}}, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          hostnames: [{{service}}.example.com]
          rules:
            - backendRefs: [{name: {{service}}, port: 443}]
        """;
}
