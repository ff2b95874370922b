using System.Text.Json.Nodes;
using Switchyard.Kubernetes.Tests.Source;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Status;

/// <summary>Status conditions and Events of IngressRouteTCP, IngressRouteUDP and MiddlewareTCP against the fake API server.</summary>
[CancelAfter(60_000)]
public sealed class TcpStatusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private FakeApiServer _server = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        TraefikCrds.Install(_server);
        _server.ApplyYaml(Manifests.Service("echo", 5000));
    }

    [TearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    private JsonObject? Status(string kind, string name) => _server.Get("traefik.io/v1alpha1", kind, "default", name)?["status"] as JsonObject;

    private JsonObject? Condition(string kind, string name, string type) =>
        Status(kind, name)?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private List<JsonObject> Events() =>
        [.. _server.Store.List(_server.Catalog.Find("events.k8s.io", "v1", "events")!, "default", LabelSelector.Everything, FieldSelector.Parse(null)).Items];

    [Test]
    public async Task A_TCP_route_to_a_missing_Service_is_not_Ready_with_the_reason_and_an_Event_while_the_good_ones_are_Ready()
    {
        _server.ApplyYaml(Route("IngressRouteTCP", "db", "missing", "limit"));
        _server.ApplyYaml(Route("IngressRouteTCP", "cache", "echo", "limit"));
        _server.ApplyYaml(Route("IngressRouteUDP", "dns", "echo", null));
        _server.ApplyYaml("""
            apiVersion: traefik.io/v1alpha1
            kind: MiddlewareTCP
            metadata:
              name: limit
              namespace: default
            spec:
              inFlightConn:
                amount: 10
            """);
        await using var run = new ControlPlaneRun(_server, "a", elect: false);

        await Wait.UntilAsync(() => (string?)Condition("IngressRouteTCP", "db", "ResolvedRefs")?["status"] == "False", Timeout, "db ResolvedRefs=False");
        var resolved = Condition("IngressRouteTCP", "db", "ResolvedRefs")!;
        TestContext.Out.WriteLine(resolved.ToJsonString());
        Assert.Multiple(() =>
        {
            Assert.That((string?)resolved["reason"], Does.Contain("NotFound"));
            Assert.That((string?)resolved["message"], Does.Contain("missing"));
            Assert.That((string?)Condition("IngressRouteTCP", "db", "Ready")?["status"], Is.EqualTo("False"));
            Assert.That((string?)Condition("IngressRouteTCP", "db", "Ready")?["message"], Is.EqualTo("0 of 1 routes are served"));
        });

        await Wait.UntilAsync(() => (string?)Condition("IngressRouteTCP", "cache", "Ready")?["status"] == "True", Timeout, "cache Ready");
        await Wait.UntilAsync(() => (string?)Condition("IngressRouteUDP", "dns", "Ready")?["status"] == "True", Timeout, "dns Ready");
        await Wait.UntilAsync(() => (string?)Condition("MiddlewareTCP", "limit", "Accepted")?["status"] == "True", Timeout, "MiddlewareTCP Accepted");
        Assert.Multiple(() =>
        {
            Assert.That(Status("IngressRouteTCP", "cache")!["routers"]!.AsArray().Select(r => (string?)r), Has.Exactly(1).StartsWith("default-cache-"));
            Assert.That(Status("IngressRouteUDP", "dns")!["routers"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "default-dns-0" }));
            Assert.That(Status("MiddlewareTCP", "limit")!["usedBy"]!.AsArray().Select(u => (string?)u),
                Is.EqualTo(new[] { "IngressRouteTCP/default/cache", "IngressRouteTCP/default/db" }));
        });

        await Wait.UntilAsync(() => Events().Any(e => (string?)e["regarding"]?["name"] == "db" && (string?)e["type"] == "Warning"), Timeout, "a Warning event on db");
        var ev = Events().First(e => (string?)e["regarding"]?["name"] == "db" && (string?)e["type"] == "Warning");
        Assert.Multiple(() =>
        {
            Assert.That((string?)ev["regarding"]!["kind"], Is.EqualTo("IngressRouteTCP"));
            Assert.That((string?)ev["note"], Does.Contain("missing"));
        });

        // Creating the Service heals the route and its status.
        _server.ApplyYaml(Manifests.Service("missing", 5001));
        await Wait.UntilAsync(() => (string?)Condition("IngressRouteTCP", "db", "Ready")?["status"] == "True", Timeout, "db healed");
    }

    private static string Route(string kind, string name, string service, string? middleware)
    {
        var header = $"""
            apiVersion: traefik.io/v1alpha1
            kind: {kind}
            metadata:
              name: {name}
              namespace: default
            spec:
              entryPoints: [web]
              routes:

            """;
        var route = kind == "IngressRouteTCP"
            ? $"    - match: HostSNI(`*`)\n      services: [{{name: {service}, port: 80}}]\n"
              + (middleware is null ? "" : $"      middlewares: [{{name: {middleware}}}]\n")
            : $"    - services: [{{name: {service}, port: 80}}]\n";
        return header + route;
    }
}
