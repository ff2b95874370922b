namespace Switchyard.EndToEnd.Tests;

/// <summary>A Service, EndpointSlice and h2c IngressRoute sending the Echo service to one backend port (also linked into Reliability.Tests).</summary>
internal static class EchoManifest
{
    public static string For(int port) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
          namespace: default
        spec:
          ports:
            - name: grpc
              port: 5000
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: default
          labels:
            kubernetes.io/service-name: echo
        addressType: IPv4
        ports:
          - name: grpc
            port: {port}
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata:
          name: echo
          namespace: default
        spec:
          entryPoints: [web]
          routes:
            - kind: Rule
              match: PathPrefix(`/switchyard.test.Echo`) && !HeaderRegexp(`x-route`, `.+`)
              services:
                - name: echo
                  port: grpc
                  scheme: h2c
        """;
}
