namespace Switchyard.EndToEnd.Tests;

/// <summary>A Service, EndpointSlice and h2c IngressRoute sending the Echo service to one backend port (also linked into Reliability.Tests).</summary>
internal static class EchoManifest
{
    public static string For(int port) => Route("echo", "PathPrefix(`/switchyard.test.Echo`) && !HeaderRegexp(`x-route`, `.+`)", port);

    /// <summary>
    /// Service <paramref name="name"/>, its EndpointSlice on 127.0.0.1:<paramref name="port"/> and an h2c IngressRoute
    /// matching <paramref name="match"/>; with <paramref name="healthCheck"/>, an active gRPC check every second.
    /// </summary>
    public static string Route(string name, string match, int port, bool healthCheck = false) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: default
        spec:
          ports:
            - name: grpc
              port: 5000
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {name}-1
          namespace: default
          labels:
            kubernetes.io/service-name: {name}
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
          name: {name}
          namespace: default
        spec:
          entryPoints: [web]
          routes:
            - kind: Rule
              match: {match}
              services:
                - name: {name}
                  port: grpc
                  scheme: h2c
        """ + (healthCheck ? "\n          healthCheck: {mode: grpc, interval: 1s, unhealthyInterval: 1s, timeout: 500ms}" : "");
}
