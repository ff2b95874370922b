using System.Globalization;

namespace Switchyard.TestKit;

/// <summary>
/// The Gateway API YAML the tests share, so a test writes only what it is about (its listeners, routes, policies):
/// our GatewayClass <c>switchyard</c> (Traefik's controller name), a Gateway of it in <c>default</c>, and a Service whose
/// one ready endpoint is a backend on 127.0.0.1. Each returns YAML documents without indentation, to join with "---"
/// or to put at the start of a line in a raw string literal.
/// </summary>
public static class GatewayApiManifests
{
    /// <summary>The listener a test gets when it names none: HTTP on port 8000 (the tests' "web" entry point).</summary>
    public const string WebListener = "name: web, port: 8000, protocol: HTTP";

    public const string GatewayClass = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: switchyard}
        spec: {controllerName: traefik.io/gateway-controller}
        """;

    /// <summary>The GatewayClass and Gateway <c>default/gw</c> with <paramref name="listeners"/> (YAML flow mapping contents), by default <see cref="WebListener"/>.</summary>
    public static string GatewayAndClass(params string[] listeners) => GatewayClass + "\n---\n" + Gateway("gw", listeners);

    /// <summary>Gateway <c>default/<paramref name="name"/></c> of class <c>switchyard</c> with <paramref name="listeners"/>, by default <see cref="WebListener"/>.</summary>
    public static string Gateway(string name, params string[] listeners) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: {{name}}, namespace: default}
        spec:
          gatewayClassName: switchyard
          listeners:
        """ + string.Concat((listeners.Length == 0 ? [WebListener] : listeners).Select(l => "\n  - {" + l + "}"));

    /// <summary>
    /// Service <c>default/<paramref name="name"/></c>, port <paramref name="servicePort"/> named <paramref name="portName"/>, and its
    /// EndpointSlice whose one ready endpoint is 127.0.0.1:<paramref name="backendPort"/>.
    /// </summary>
    public static string Backend(string name, int backendPort, string portName = "grpc", int servicePort = 5000)
    {
        var port = backendPort.ToString(CultureInfo.InvariantCulture);
        return $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{name}}, namespace: default}
            spec:
              ports: [{name: {{portName}}, port: {{servicePort.ToString(CultureInfo.InvariantCulture)}}, targetPort: {{port}}}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {{name}}-1
              namespace: default
              labels: {kubernetes.io/service-name: {{name}}}
            addressType: IPv4
            ports: [{name: {{portName}}, port: {{port}}, protocol: TCP}]
            endpoints:
            - addresses: ["127.0.0.1"]
              conditions: {ready: true}
            """;
    }
}
