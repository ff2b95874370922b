using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Model;
using Switchyard.Routing;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// Multi-layer routing (IngressRoute parentRefs, Traefik v3.6+) on real sockets: a child route is reachable only
/// through its parent — the parent's rule and middlewares (here basicAuth) apply first.
/// </summary>
[CancelAfter(60_000)]
public class MultiLayerRoutingTests
{
    [Test]
    public async Task AChildOfABasicAuthParent_IsUnreachableWithoutCredentialsAndOnOtherHosts()
    {
        await using var backend = await GrpcTestBackend.StartAsync("child", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync();
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(Manifests(backend.Port), "parent-refs.yaml"));
        Assert.That(result.Diagnostics.Where(d => d.Severity == Model.Diagnostics.Severity.Error), Is.Empty);
        gw.Apply(result.Table);
        using var http = new HttpClient();

        async Task<(HttpStatusCode Status, string Body)> GetAsync(string host, string path, bool credentials)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}{path}");
            request.Headers.Host = host;
            if (credentials)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("test:test"u8.ToArray()));
            }

            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var withCredentials = await GetAsync("app.example.com", "/admin/page", credentials: true);
        var anonymous = await GetAsync("app.example.com", "/admin/page", credentials: false);
        var otherHost = await GetAsync("other.example.com", "/admin/page", credentials: true);
        var noChild = await GetAsync("app.example.com", "/elsewhere", credentials: true);
        var noChildAnonymous = await GetAsync("app.example.com", "/elsewhere", credentials: false);

        Assert.Multiple(() =>
        {
            Assert.That(withCredentials.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(withCredentials.Body, Does.Contain("path=/admin/page"));
            Assert.That(anonymous.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "the parent's basicAuth runs first");
            Assert.That(otherHost.Status, Is.EqualTo(HttpStatusCode.NotFound), "the child is not a route of its own on other hosts");
            Assert.That(noChild.Status, Is.EqualTo(HttpStatusCode.NotFound), "the parent matched, no child did");
            Assert.That(noChildAnonymous.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "the parent's middlewares run before the child muxer");
        });
    }

    private static string Manifests(int port) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: users, namespace: default}
        type: Opaque
        stringData:
          users: "test:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M="
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: auth, namespace: default}
        spec:
          basicAuth: {secret: users}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec:
          ports: [{name: http, port: 80, targetPort: {{port}}}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: http, port: {{port.ToString(CultureInfo.InvariantCulture)}}, protocol: TCP}]
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions: {ready: true, serving: true}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: parent, namespace: default}
        spec:
          routes:
            - match: Host(`app.example.com`)
              kind: Rule
              middlewares: [{name: auth}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: admin, namespace: default}
        spec:
          parentRefs: [{name: parent}]
          routes:
            - match: PathPrefix(`/admin`)
              kind: Rule
              services: [{name: echo, port: http, scheme: h2c}]
        """;
}
