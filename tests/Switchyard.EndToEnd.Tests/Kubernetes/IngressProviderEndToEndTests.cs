using System.Diagnostics;
using System.Net;
using System.Text;
using k8s;
using Microsoft.AspNetCore.Builder;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Issue 19, "Done when": an Ingress as a typical Helm chart renders it (`helm create`'s template with Traefik's
/// router annotations) applied with kubectl to the fake API server is served by the built `switchyard run` process
/// (real KubernetesClient, providers.kubernetesIngress), its status.loadBalancer is visible through kubectl, and a
/// broken Ingress gets an Event while the good one keeps serving.
/// </summary>
[CancelAfter(180_000)]
public sealed class IngressProviderEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Manifests(int backendPort) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: traefik
        spec:
          controller: traefik.io/ingress-controller
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: mychart
          namespace: default
          labels:
            app.kubernetes.io/name: mychart
            app.kubernetes.io/instance: mychart
        spec:
          type: ClusterIP
          ports:
            - port: 80
              targetPort: http
              protocol: TCP
              name: http
          selector:
            app.kubernetes.io/name: mychart
            app.kubernetes.io/instance: mychart
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: mychart-abcde
          namespace: default
          labels:
            kubernetes.io/service-name: mychart
        addressType: IPv4
        ports:
          - name: http
            port: {{backendPort}}
            protocol: TCP
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata:
          name: via
          namespace: default
        spec:
          headers:
            customRequestHeaders:
              X-Via: switchyard
        ---
        # mychart/templates/ingress.yaml of `helm create mychart`, rendered with ingress.enabled, className traefik
        # and Traefik's router annotations in ingress.annotations.
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: mychart
          namespace: default
          labels:
            helm.sh/chart: mychart-0.1.0
            app.kubernetes.io/name: mychart
            app.kubernetes.io/instance: mychart
            app.kubernetes.io/version: "1.16.0"
            app.kubernetes.io/managed-by: Helm
          annotations:
            traefik.ingress.kubernetes.io/router.entrypoints: web
            traefik.ingress.kubernetes.io/router.middlewares: default-via@kubernetescrd
        spec:
          ingressClassName: traefik
          rules:
            - host: "chart-example.local"
              http:
                paths:
                  - path: /
                    pathType: ImplementationSpecific
                    backend:
                      service:
                        name: mychart
                        port:
                          number: 80
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: broken
          namespace: default
        spec:
          ingressClassName: traefik
          rules:
            - host: "broken.local"
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: no-such-service
                        port:
                          name: http
        """;

    [Test]
    public async Task A_helm_chart_ingress_serves_its_status_shows_through_kubectl_and_a_broken_one_gets_an_event(CancellationToken ct)
    {
        if (!Kubectl.IsAvailable)
        {
            Assert.Ignore("kubectl is not installed (scripts/setup.sh)");
        }

        await using var server = await FakeApiServer.StartAsync();
        TraefikCrds.Install(server);
        await using var backend = await GrpcTestBackend.StartAsync("mychart", new GrpcTestBackendOptions
        {
            Http1Only = true,
            Configure = app => app.MapGet("/{**path}", (Microsoft.AspNetCore.Http.HttpContext c) =>
                $"mychart via={c.Request.Headers["X-Via"]} host={c.Request.Host}"),
        });
        var dir = Directory.CreateTempSubdirectory("e2e-ingress-");
        Process? process = null;
        StringBuilder? output = null;
        try
        {
            var kubectl = Kubectl.For(server, dir.FullName);
            var config = Path.Combine(dir.FullName, "switchyard.yaml");
            await File.WriteAllTextAsync(config, $"""
                entryPoints:
                  web:
                    address: "127.0.0.1:0"
                  admin:
                    address: "127.0.0.1:0"
                    admin: true
                providers:
                  kubernetesCRD:
                    enabled: true
                  kubernetesIngress:
                    ingressEndpoint:
                      ip: 203.0.113.10
                """, ct);
            // KubernetesClient wants credentials in a kubeconfig (kubectl's has none); the fake accepts any token.
            var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.FullName, "switchyard.kubeconfig"), token: "test");
            process = SwitchyardProcess.StartRun(config, out output, new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });
            var web = (await SwitchyardProcess.WaitListeningAsync(process, output, ["web", "admin"], readyAt: null))["web"];

            var applied = await kubectl.RunAsync(Manifests(backend.Port), "apply", "--validate=false", "-f", "-");
            Assert.That(applied.ExitCode, Is.Zero, applied.ToString());

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}") };
            string? body = null;
            await Wait.UntilAsync(async () => (body = await GetAsync(http, "chart-example.local", "/anything")) is not null, Timeout,
                "the Ingress to serve");
            Assert.That(body, Is.EqualTo("mychart via=switchyard host=chart-example.local"), "the router.middlewares Middleware ran and the Host was passed");
            Assert.That(await GetAsync(http, "other.local", "/"), Is.Null, "no router for another host");

            // status.loadBalancer from ingressEndpoint, written by the (only, hence leading) replica, read with kubectl.
                        await Wait.UntilAsync(async () => (await kubectl.RunAsync(null, "get", "ingress", "mychart", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")).StdOut == "203.0.113.10",
                Timeout, "status.loadBalancer via kubectl");

            // The broken Ingress (missing Service) degrades only itself: an Event says why.
            using var client = server.CreateClient();
            await Wait.UntilAsync(async () => (await client.EventsV1.ListNamespacedEventAsync("default", cancellationToken: ct)).Items
                    .Any(e => e.Regarding?.Name == "broken" && e.Regarding.Kind == "Ingress" && e.Note?.Contains("SY201", StringComparison.Ordinal) == true),
                Timeout, "an Event about the broken Ingress");
            Assert.That(await GetAsync(http, "chart-example.local", "/"), Is.Not.Null, "the good Ingress still serves");
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}\nswitchyard output:\n{output}");
        }
        finally
        {
            if (process is not null)
            {
                await SwitchyardProcess.StopAsync(process);
                process.Dispose();
            }

            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task The_folder_source_serves_the_same_ingress(CancellationToken ct)
    {
        // What `validate` accepts, `run` serves: the folder needs no provider switch for Ingresses (like every kind).
        await using var backend = await GrpcTestBackend.StartAsync("mychart", new GrpcTestBackendOptions
        {
            Http1Only = true,
            Configure = app => app.MapGet("/{**path}", (Microsoft.AspNetCore.Http.HttpContext c) => $"folder via={c.Request.Headers["X-Via"]}"),
        });
        var dir = Directory.CreateTempSubdirectory("e2e-ingress-folder-");
        try
        {
            var running = await SwitchyardProcess.StartReadyAsync(dir, "", Manifests(backend.Port));
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{running.WebPort}") };
                string? body = null;
                await Wait.UntilAsync(async () => (body = await GetAsync(http, "chart-example.local", "/")) is not null, Timeout, "the folder's Ingress to serve");
                Assert.That(body, Is.EqualTo("folder via=switchyard"));
            }
            finally
            {
                await SwitchyardProcess.StopAsync(running.Process);
                running.Process.Dispose();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The body of a 200 answer for <paramref name="host"/>, or null for anything else.</summary>
    private static async Task<string?> GetAsync(HttpClient http, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
