namespace Switchyard.Kubernetes.Tests.Source;

/// <summary>Small manifests the source tests apply to the fake API server.</summary>
internal static class Manifests
{
    public static string IngressRoute(string name, string match, string service = "echo", string ns = "default", string? middleware = null, string? labels = null, string? ingressClass = null) => $$"""
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels:
            {{labels ?? "x: y"}}
          annotations:
            {{(ingressClass is null ? "a: b" : $"kubernetes.io/ingress.class: {ingressClass}")}}
        spec:
          entryPoints: [web]
          routes:
          - match: "{{match}}"
            kind: Rule
            {{(middleware is null ? "" : $"middlewares: [{{ name: {middleware} }}]")}}
            services:
            - name: {{service}}
              port: grpc
              scheme: h2c
        """;

    public static string Middleware(string name, string ns = "default") => $$"""
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          headers:
            customRequestHeaders:
              x-from: switchyard
        """;

    public static string Service(string name, int targetPort, string ns = "default", string address = "127.0.0.1") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          ports:
          - name: grpc
            port: 80
            targetPort: {{targetPort}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {{name}}-1
          namespace: {{ns}}
          labels:
            kubernetes.io/service-name: {{name}}
        addressType: IPv4
        ports:
        - name: grpc
          port: {{targetPort}}
          protocol: TCP
        endpoints:
        - addresses: [{{address}}]
          conditions:
            ready: true
            serving: true
        """;
}
