using System.Text.Json.Nodes;
using Switchyard.Kubernetes.Tests.Source;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Status;

/// <summary>Status conditions, Events and leader election against the fake API server.</summary>
[CancelAfter(60_000)]
public sealed class StatusWriterTests
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

    private JsonObject? Condition(string name, string type, string kind = "IngressRoute") =>
        _server.Get("traefik.io/v1alpha1", kind, "default", name)?["status"]?["conditions"]?.AsArray()
            .OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private string? ConditionStatus(string name, string type, string kind = "IngressRoute") => (string?)Condition(name, type, kind)?["status"];

    private int StatusPatches() => _server.CountRequests(r => r.Method == "PATCH" && r.Path.EndsWith("/status", StringComparison.Ordinal));

    private List<JsonObject> Events() =>
        [.. _server.Store.List(_server.Catalog.Find("events.k8s.io", "v1", "events")!, "default", LabelSelector.Everything, FieldSelector.Parse(null)).Items];

    [Test]
    public async Task A_missing_middleware_is_reported_in_status_and_an_event_and_creating_it_heals_the_route()
    {
        _server.ApplyYaml(Manifests.IngressRoute("good", "Path(`/good`)"));
        _server.ApplyYaml(Manifests.IngressRoute("needs-auth", "Path(`/auth`)", middleware: "auth"));
        await using var run = new ControlPlaneRun(_server, "a", elect: false);

        await Wait.UntilAsync(() => ConditionStatus("needs-auth", "ResolvedRefs") == "False", Timeout, "ResolvedRefs=False");
        var resolved = Condition("needs-auth", "ResolvedRefs")!;
        TestContext.Out.WriteLine(resolved.ToJsonString());
        Assert.That((string?)resolved["message"], Does.Contain("default/auth").Or.Contain("auth"));
        Assert.That((string?)resolved["reason"], Is.EqualTo("MiddlewareNotFound"));
        Assert.That((long?)resolved["observedGeneration"], Is.EqualTo(1));
        Assert.That(ConditionStatus("needs-auth", "Ready"), Is.EqualTo("False"));
        await Wait.UntilAsync(() => ConditionStatus("good", "Ready") == "True", Timeout, "the other route is Ready");
        var routers = _server.Get("traefik.io/v1alpha1", "IngressRoute", "default", "good")!["status"]!["routers"]!.AsArray();
        Assert.That(routers.Select(r => (string?)r), Has.Exactly(1).StartsWith("default-good-"));

        await Wait.UntilAsync(() => Events().Any(e => (string?)e["reason"] == "MiddlewareNotFound"), Timeout, "a Warning event");
        var ev = Events().First(e => (string?)e["reason"] == "MiddlewareNotFound");
        Assert.That((string?)ev["type"], Is.EqualTo("Warning"));
        Assert.That((string?)ev["regarding"]!["name"], Is.EqualTo("needs-auth"));
        Assert.That((string?)ev["note"], Does.Contain("auth"));

        _server.ApplyYaml(Manifests.Middleware("auth"));
        await Wait.UntilAsync(() => ConditionStatus("needs-auth", "ResolvedRefs") == "True", Timeout, "healed");
        await Wait.UntilAsync(() => ConditionStatus("needs-auth", "Ready") == "True", Timeout, "Ready after healing");
        await Wait.UntilAsync(() => ConditionStatus("auth", "Accepted", "Middleware") == "True", Timeout, "Middleware accepted");
        var usedBy = _server.Get("traefik.io/v1alpha1", "Middleware", "default", "auth")!["status"]!["usedBy"]!.AsArray();
        Assert.That(usedBy.Select(u => (string?)u), Is.EqualTo(new[] { "IngressRoute/default/needs-auth" }));
    }

    [Test]
    public async Task A_lenient_case_applied_like_Traefik_keeps_the_route_Ready_and_says_so_in_Accepted()
    {
        // Traefik serves a route whose tls.secretName is missing with the default certificate (getTLSHTTP only logs):
        // Ready, and Accepted=True with reason AcceptedWithWarnings naming what was applied.
        _server.ApplyYaml(Manifests.IngressRoute("no-cert", "Host(`a.example.com`)") + """

              tls:
                secretName: missing
            """);
        await using var run = new ControlPlaneRun(_server, "a", elect: false);

        await Wait.UntilAsync(() => (string?)Condition("no-cert", "Accepted")?["reason"] == "AcceptedWithWarnings", Timeout, "Accepted with warnings");
        var accepted = Condition("no-cert", "Accepted")!;
        Assert.That((string?)accepted["status"], Is.EqualTo("True"));
        Assert.That((string?)accepted["message"], Does.Contain("spec.tls.secretName").And.Contain("default certificate"));
        Assert.That(ConditionStatus("no-cert", "Ready"), Is.EqualTo("True"));
    }

    [Test]
    public async Task Status_is_not_rewritten_when_nothing_changed()
    {
        _server.ApplyYaml(Manifests.IngressRoute("good", "Path(`/good`)"));
        _server.ApplyYaml(Manifests.IngressRoute("needs-auth", "Path(`/auth`)", middleware: "auth"));
        await using var run = new ControlPlaneRun(_server, "a", elect: false);
        await Wait.UntilAsync(() => ConditionStatus("good", "Ready") == "True" && ConditionStatus("needs-auth", "ResolvedRefs") == "False", Timeout, "status written");
        await Wait.UntilAsync(() => run.Controller.Source.Published >= 2, Timeout, "our own status writes came back through the watch");

        var patches = StatusPatches();
        var published = run.Controller.Source.Published;
        // A bounded idle period: bookmarks keep arriving, nothing changes; a write loop would show up here.
        var idle = Task.Delay(TimeSpan.FromSeconds(2));
        await Wait.UntilAsync(() => idle.IsCompleted, TimeSpan.FromSeconds(5), "idle period");
        Assert.That(StatusPatches(), Is.EqualTo(patches), "no status writes while idle");
        TestContext.Out.WriteLine($"status PATCHes before idle: {patches}; snapshots: {published} → {run.Controller.Source.Published}");

        // A spec change is written once more, with the new observedGeneration.
        _server.ApplyYaml(Manifests.IngressRoute("good", "Path(`/better`)"));
        await Wait.UntilAsync(() => (long?)Condition("good", "Ready")?["observedGeneration"] == 2, Timeout, "observedGeneration 2");
    }

    [Test]
    public async Task Only_the_leader_writes_and_a_follower_takes_over_when_it_stops()
    {
        _server.ApplyYaml(Manifests.IngressRoute("r", "Path(`/r`)"));
        var a = new ControlPlaneRun(_server, "replica-a");
        await using var b = new ControlPlaneRun(_server, "replica-b");
        try
        {
            await Wait.UntilAsync(() => a.Controller.IsLeader || b.Controller.IsLeader, Timeout, "a leader");
            await Wait.UntilAsync(() => ConditionStatus("r", "Ready") == "True", Timeout, "status written by the leader");
            await Wait.UntilAsync(() => a.Latest is not null && b.Latest is not null, Timeout, "both replicas compiled (both serve)");
            // The writer counts a PATCH when its response comes back, a moment after the API server shows it.
            await Wait.UntilAsync(() => (a.Controller.IsLeader && a.Controller.Status.Patches > 0) || (b.Controller.IsLeader && b.Controller.Status.Patches > 0),
                Timeout, "the leader to count its status write");
            var (leader, follower) = a.Controller.IsLeader ? (a, b) : (b, a);
            Assert.That(follower.Controller.IsLeader, Is.False);
            Assert.That(follower.Controller.Status.Patches, Is.Zero, "a follower never writes status");

            await leader.DisposeAsync(); // the leader stops (its lease is not renewed)
            await Wait.UntilAsync(() => follower.Controller.IsLeader, TimeSpan.FromSeconds(10), "the follower takes over once the lease (3 s) expires");
            _server.ApplyYaml(Manifests.IngressRoute("r2", "Path(`/r2`)", middleware: "missing"));
            await Wait.UntilAsync(() => ConditionStatus("r2", "ResolvedRefs") == "False", Timeout, "the new leader writes status");
            await Wait.UntilAsync(() => follower.Controller.Status.Patches > 0, Timeout, "the new leader to count its status write");
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

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

        await Wait.UntilAsync(() => (string?)Condition("db", "ResolvedRefs", "IngressRouteTCP")?["status"] == "False", Timeout, "db ResolvedRefs=False");
        var resolved = Condition("db", "ResolvedRefs", "IngressRouteTCP")!;
        TestContext.Out.WriteLine(resolved.ToJsonString());
        Assert.Multiple(() =>
        {
            Assert.That((string?)resolved["reason"], Does.Contain("NotFound"));
            Assert.That((string?)resolved["message"], Does.Contain("missing"));
            Assert.That((string?)Condition("db", "Ready", "IngressRouteTCP")?["status"], Is.EqualTo("False"));
            Assert.That((string?)Condition("db", "Ready", "IngressRouteTCP")?["message"], Is.EqualTo("0 of 1 routes are served"));
        });

        await Wait.UntilAsync(() => (string?)Condition("cache", "Ready", "IngressRouteTCP")?["status"] == "True", Timeout, "cache Ready");
        await Wait.UntilAsync(() => (string?)Condition("dns", "Ready", "IngressRouteUDP")?["status"] == "True", Timeout, "dns Ready");
        await Wait.UntilAsync(() => (string?)Condition("limit", "Accepted", "MiddlewareTCP")?["status"] == "True", Timeout, "MiddlewareTCP Accepted");
        Assert.Multiple(() =>
        {
            Assert.That(_server.Get("traefik.io/v1alpha1", "IngressRouteTCP", "default", "cache")!["status"]!["routers"]!.AsArray().Select(r => (string?)r), Has.Exactly(1).StartsWith("default-cache-"));
            Assert.That(_server.Get("traefik.io/v1alpha1", "IngressRouteUDP", "default", "dns")!["status"]!["routers"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "default-dns-0" }));
            Assert.That(_server.Get("traefik.io/v1alpha1", "MiddlewareTCP", "default", "limit")!["status"]!["usedBy"]!.AsArray().Select(u => (string?)u),
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
        await Wait.UntilAsync(() => (string?)Condition("db", "Ready", "IngressRouteTCP")?["status"] == "True", Timeout, "db healed");
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
