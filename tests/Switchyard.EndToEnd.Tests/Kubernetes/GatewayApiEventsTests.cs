using k8s;
using k8s.Models;
using Switchyard.Kubernetes;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Events for Gateway API objects, like IngressRoutes': the leader writes a Warning Event (reason and the findings) on
/// a Gateway, HTTPRoute or GRPCRoute when its problems change, a Normal one when they are gone, and nothing when a
/// recompile finds the same; read back with the real KubernetesClient (and kubectl when installed).
/// </summary>
[CancelAfter(120_000)]
public sealed class GatewayApiEventsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The Service the HTTPRoute names (missing at first); <paramref name="port"/> only changes its endpoints, not the findings.</summary>
    private static string Service(int port = 1) => GatewayApiManifests.Backend("web-svc", port, "http", servicePort: 8080);

    private static readonly string Objects = GatewayApiManifests.GatewayAndClass(GatewayApiManifests.WebListener, "name: elsewhere, port: 9999, protocol: HTTP") + "\n---\n" + """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: pages, namespace: default}
        spec:
          parentRefs: [{name: gw, sectionName: web}]
          rules:
          - backendRefs: [{name: web-svc, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: calls, namespace: default}
        spec:
          parentRefs: [{name: gw, sectionName: web}]
          rules:
          - filters:
            - type: ExtensionRef
              extensionRef: {group: traefik.io, kind: Middleware, name: no-such-limit}
            backendRefs: [{name: web-svc, port: 8080}]
        """;

    [Test]
    public async Task Gateway_and_routes_get_Warning_Events_for_their_findings_a_Normal_one_when_healed_and_no_repeats()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        TraefikCrds.Install(server);
        GatewayApiCrds.Install(server);
        await using var op = await InProcessOperator.StartAsync(server, options: new KubernetesSourceOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            GatewayApi = new GatewayApiSourceOptions(),
        });
        using var client = server.CreateClient();
        server.ApplyYaml(Objects);

        async Task<List<Eventsv1Event>> EventsAboutAsync(string kind, string name) =>
            [.. (await client.EventsV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Regarding?.Kind == kind && e.Regarding.Name == name)];

        await Wait.UntilAsync(async () => (await EventsAboutAsync("HTTPRoute", "pages")).Count > 0 &&
            (await EventsAboutAsync("GRPCRoute", "calls")).Count > 0 && (await EventsAboutAsync("Gateway", "gw")).Count > 0,
            Timeout, "Events on the Gateway, the HTTPRoute and the GRPCRoute");

        var route = (await EventsAboutAsync("HTTPRoute", "pages")).Single();
        var grpc = (await EventsAboutAsync("GRPCRoute", "calls")).Single();
        var gateway = (await EventsAboutAsync("Gateway", "gw")).Single();
        Assert.Multiple(() =>
        {
            Assert.That((route.Type, route.Reason), Is.EqualTo(("Warning", "BackendNotFound")));
            Assert.That(route.Note, Does.Contain("SY803").And.Contain("web-svc"));
            Assert.That(route.Regarding.ApiVersion, Is.EqualTo("gateway.networking.k8s.io/v1"));
            Assert.That(route.Regarding.Uid, Is.Not.Empty, "the Event names the object's uid (kubectl describe finds it)");
            Assert.That(grpc.Type, Is.EqualTo("Warning"));
            Assert.That(grpc.Note, Does.Contain("no-such-limit"));
            Assert.That((gateway.Type, gateway.Reason), Is.EqualTo(("Warning", "PortUnavailable")));
            Assert.That(gateway.Note, Does.Contain("SY801").And.Contain("elsewhere"));
            Assert.That(route.ReportingController, Is.EqualTo("switchyard.io/operator"));
        });

        // Creating the Service heals the HTTPRoute: one Normal Event; the others, unchanged, get none.
        server.ApplyYaml(Service());
        await Wait.UntilAsync(async () => (await EventsAboutAsync("HTTPRoute", "pages")).Any(e => e.Type == "Normal"), Timeout, "a Normal Event on the healed HTTPRoute");
        var healed = (await EventsAboutAsync("HTTPRoute", "pages")).Single(e => e.Type == "Normal");
        Assert.That(healed.Note, Does.Contain("without errors"));

        // A recompile of the same objects writes no Event.
        var written = op.Controller.Status.GatewayApiEvents;
        var swaps = op.Swaps;
        server.ApplyYaml(Service(port: 2));
        await Wait.UntilAsync(() => Task.FromResult(op.Swaps > swaps), Timeout, "a recompile");
        Assert.Multiple(async () =>
        {
            Assert.That(op.Controller.Status.GatewayApiEvents, Is.EqualTo(written), "no new Gateway API Event for unchanged findings");
            Assert.That(await EventsAboutAsync("GRPCRoute", "calls"), Has.Count.EqualTo(1));
            Assert.That(await EventsAboutAsync("Gateway", "gw"), Has.Count.EqualTo(1));
        });

        if (!Kubectl.IsAvailable)
        {
            Assert.Warn("kubectl not installed: Events not read back with kubectl");
            return;
        }

        var workDir = Directory.CreateTempSubdirectory("e2e-gwev-").FullName;
        try
        {
            var got = await Kubectl.For(server, workDir).RunAsync(null, "get", "events.events.k8s.io", "-n", "default", "-o", "json");
            Assert.That(got.ExitCode, Is.Zero, got.ToString());
            Assert.That(got.StdOut, Does.Contain("BackendNotFound").And.Contain("\"kind\": \"GRPCRoute\""));
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }
}
