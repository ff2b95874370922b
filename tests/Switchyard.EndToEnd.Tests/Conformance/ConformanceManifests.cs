using System.Text;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Our rendering of upstream's conformance/base/manifests.yaml (kubernetes-sigs/gateway-api v1.4.1): same namespaces,
/// Gateways, Services and ports, with EndpointSlices pointing at the in-process echo backends instead of Deployments.
/// </summary>
internal static class ConformanceManifests
{
    public static string Base(ConformanceEnvironment env)
    {
        var certificate = TestCertificates.IssueServer(env.Ca, "example.org", "second-example.org", "unknown-example.org", "https-listener.org");
        var yaml = new StringBuilder($$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{ConformanceEnvironment.Infra}}, labels: {gateway-conformance: infra} }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{ConformanceEnvironment.AppBackend}}, labels: {gateway-conformance: backend} }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{ConformanceEnvironment.WebBackend}}, labels: {gateway-conformance: backend} }
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: {{ConformanceEnvironment.GatewayClass}}}
            spec: {controllerName: traefik.io/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: same-namespace, namespace: {{ConformanceEnvironment.Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners:
              - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same} } }
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: same-namespace-with-https-listener, namespace: {{ConformanceEnvironment.Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners:
              - name: https
                port: 443
                protocol: HTTPS
                allowedRoutes: {namespaces: {from: Same} }
                tls: {certificateRefs: [{group: "", kind: Secret, name: tls-validity-checks-certificate, namespace: {{ConformanceEnvironment.Infra}}}]}
              - name: https-with-hostname
                port: 443
                hostname: second-example.org
                protocol: HTTPS
                allowedRoutes: {namespaces: {from: Same} }
                tls: {certificateRefs: [{group: "", kind: Secret, name: tls-validity-checks-certificate, namespace: {{ConformanceEnvironment.Infra}}}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: all-namespaces, namespace: {{ConformanceEnvironment.Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners:
              - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All} } }
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: backend-namespaces, namespace: {{ConformanceEnvironment.Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners:
              - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {gateway-conformance: backend} } } } }
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls-validity-checks-certificate, namespace: {{ConformanceEnvironment.Infra}}}
            type: kubernetes.io/tls
            data:
              tls.crt: {{Base64(TestCertificates.CertificatePem(certificate))}}
              tls.key: {{Base64(TestCertificates.PrivateKeyPem(certificate))}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: certificate, namespace: {{ConformanceEnvironment.WebBackend}}}
            type: kubernetes.io/tls
            data:
              tls.crt: {{Base64(TestCertificates.CertificatePem(certificate))}}
              tls.key: {{Base64(TestCertificates.PrivateKeyPem(certificate))}}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: tls-checks-ca-certificate, namespace: {{ConformanceEnvironment.Infra}}}
            data:
              ca.crt: "{{TestCertificates.CertificatePem(ConformanceEnvironment.TlsChecksCa).ReplaceLineEndings("\\n")}}"
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: mismatch-ca-certificate, namespace: {{ConformanceEnvironment.Infra}}}
            data:
              ca.crt: "{{TestCertificates.CertificatePem(ConformanceEnvironment.MismatchCa).ReplaceLineEndings("\\n")}}"
            """);
        foreach (var backend in env.Backends.Values)
        {
            yaml.Append("\n---\n").Append(backend.Name == "infra-backend-v1"
                ? Service(backend, ("first-port", 8080, null, backend.HttpPort), ("second-port", 8081, "kubernetes.io/h2c", backend.H2cPort),
                    ("third-port", 8082, "kubernetes.io/ws", backend.HttpPort))
                : backend.Name.StartsWith("grpc-", StringComparison.Ordinal)
                    ? Service(backend, ("grpc", 8080, "kubernetes.io/h2c", backend.H2cPort))
                    : Service(backend, ("http", 8080, null, backend.HttpPort)));
        }

        return yaml.ToString();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A Service with the given ports and its EndpointSlice on 127.0.0.1 (each port → the backend's real port).</summary>
    public static string Service(ConformanceBackend backend, params (string Name, int Port, string? AppProtocol, int Target)[] ports) =>
        Service(backend.Name, backend.Namespace, ports);

    /// <summary>Service <paramref name="name"/> with the given ports and its EndpointSlice on 127.0.0.1 (each port → its target).</summary>
    public static string Service(string name, string ns, params (string Name, int Port, string? AppProtocol, int Target)[] ports) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          ports:
        {{string.Join("\n", ports.Select(p => $"  - {{name: {p.Name}, protocol: TCP, port: {p.Port}{(p.AppProtocol is null ? "" : ", appProtocol: " + p.AppProtocol)}}}"))}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {{name}}-1
          namespace: {{ns}}
          labels: {kubernetes.io/service-name: {{name}}}
        addressType: IPv4
        ports:
        {{string.Join("\n", ports.Select(p => $"- {{name: {p.Name}, port: {p.Target}, protocol: TCP}}"))}}
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions: {ready: true}
        """;
}
