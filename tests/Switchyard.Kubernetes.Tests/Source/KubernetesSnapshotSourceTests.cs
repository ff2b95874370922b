using Switchyard.Model;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Source;

/// <summary>The Kubernetes source against the fake API server through the real KubernetesClient.</summary>
[CancelAfter(60_000)]
public sealed class KubernetesSnapshotSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private FakeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        TraefikCrds.Install(_server); // traefik.io only: the legacy group is absent
        _client = _server.CreateClient();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private SourceRun Run(KubernetesSourceOptions? options = null) =>
        new(new KubernetesSnapshotSource(_client, options ?? new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) }, new TestLogger<KubernetesSnapshotSource>()));

    private static string[] Routes(ClusterSnapshot? s) =>
        s is null ? [] : [.. s.IngressRoutes.Select(r => $"{r.Metadata.NamespaceProperty}/{r.Metadata.Name}")];

    [Test]
    public async Task First_snapshot_holds_every_kind_and_the_absent_legacy_group_is_skipped()
    {
        _server.ApplyYaml(Manifests.IngressRoute("echo", "PathPrefix(`/`)"));
        _server.ApplyYaml(Manifests.Service("echo", 5000));
        _server.ApplyYaml(Manifests.Middleware("auth"));
        await using var run = Run();

        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        var first = run.Snapshots.First();
        Assert.That(Routes(first), Is.EqualTo(new[] { "default/echo" }));
        Assert.That(first.IngressRoutes[0].Spec.Routes[0].Match, Is.EqualTo("PathPrefix(`/`)"));
        Assert.That(first.Middlewares.Select(m => m.Metadata.Name), Is.EqualTo(new[] { "auth" }));
        Assert.That(first.Services.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "echo" }));
        Assert.That(first.EndpointSlices.Single().Endpoints[0].Addresses, Is.EqualTo(new[] { "127.0.0.1" }));
        Assert.That(first.LoadDiagnostics, Is.Empty);
    }

    [Test]
    public async Task Nodes_are_read_for_nodePortLB_and_forbidden_nodes_do_not_hold_back_the_first_snapshot()
    {
        _server.ApplyYaml("""
            apiVersion: v1
            kind: Node
            metadata: {name: node-a}
            status:
              addresses: [{type: InternalIP, address: 192.168.1.11}]
            """);
        _server.ApplyYaml(Manifests.IngressRoute("echo", "PathPrefix(`/`)"));
        // Without the ClusterRole rule for nodes, the API answers 403: the source goes on without Nodes.
        _server.Faults.ForbidNext(1, r => r.Path.StartsWithSegments("/api/v1/nodes"));
        await using var run = Run(new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), AbsentKindRecheck = TimeSpan.FromMilliseconds(200) });

        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        Assert.That(Routes(run.Snapshots.First()), Is.EqualTo(new[] { "default/echo" }));
        Assert.That(run.Snapshots.First().Nodes, Is.Empty, "nodes were forbidden at first");

        // Looked for again later: once allowed, the Node and its address are in the snapshot.
        await Wait.UntilAsync(() => run.Latest?.Nodes.Length == 1, Timeout, "the Node once allowed");
        Assert.That(run.Latest!.Nodes[0].Status.Addresses[0].Address, Is.EqualTo("192.168.1.11"));
    }

    [Test]
    public async Task Changes_are_published_and_bursts_are_coalesced()
    {
        await using var run = Run();
        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        var before = run.Snapshots.Count;

        for (var i = 0; i < 30; i++)
        {
            _server.ApplyYaml(Manifests.IngressRoute($"r{i:00}", $"Path(`/{i}`)"));
        }

        await Wait.UntilAsync(() => Routes(run.Latest).Length == 30, Timeout, "all 30 routes");
        var emitted = run.Snapshots.Count - before;
        TestContext.Out.WriteLine($"30 writes → {emitted} snapshots");
        Assert.That(emitted, Is.LessThan(30), "a burst is coalesced");
        Assert.That(Routes(run.Latest), Is.Ordered, "sorted for determinism");

        _server.Delete("traefik.io/v1alpha1", "IngressRoute", "default", "r00");
        await Wait.UntilAsync(() => Routes(run.Latest).Length == 29, Timeout, "delete seen");
    }

    [Test]
    public async Task Namespace_labelSelector_and_ingressClass_filters_apply()
    {
        _server.ApplyYaml(Manifests.IngressRoute("a", "Path(`/a`)", ns: "team", labels: "app: gw", ingressClass: "switchyard"));
        _server.ApplyYaml(Manifests.IngressRoute("b", "Path(`/b`)", ns: "team", labels: "app: gw", ingressClass: "other"));
        _server.ApplyYaml(Manifests.IngressRoute("c", "Path(`/c`)", ns: "team", ingressClass: "switchyard"));
        _server.ApplyYaml(Manifests.IngressRoute("d", "Path(`/d`)", ns: "elsewhere", labels: "app: gw", ingressClass: "switchyard"));
        _server.ApplyYaml(Manifests.Service("echo", 5000, ns: "elsewhere"));
        await using var run = Run(new KubernetesSourceOptions { Namespaces = ["team"], LabelSelector = "app=gw", IngressClass = "switchyard" });

        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        Assert.That(Routes(run.Latest), Is.EqualTo(new[] { "team/a" }));
        Assert.That(run.Latest!.Services, Is.Empty, "other namespaces are not watched");

        // Changing the annotation moves an object into the selection.
        _server.ApplyYaml(Manifests.IngressRoute("b", "Path(`/b`)", ns: "team", labels: "app: gw", ingressClass: "switchyard"));
        await Wait.UntilAsync(() => Routes(run.Latest).Length == 2, Timeout, "b enters the ingress class");
    }

    [Test]
    public async Task IngressClassName_wins_over_the_annotation_and_only_routes_are_filtered(
        [Values("", "switchyard")] string providerClass)
    {
        // Traefik's getIngressClassName + shouldProcessIngress (pkg/provider/kubernetes/crd/kubernetes.go).
        _server.ApplyYaml(WithClassName(Manifests.IngressRoute("spec-ours", "Path(`/1`)", ingressClass: "other"), "switchyard"));
        _server.ApplyYaml(WithClassName(Manifests.IngressRoute("spec-other", "Path(`/2`)", ingressClass: "switchyard"), "other"));
        _server.ApplyYaml(WithClassName(Manifests.IngressRoute("spec-traefik", "Path(`/3`)"), "traefik"));
        _server.ApplyYaml(Manifests.IngressRoute("annotation-ours", "Path(`/4`)", ingressClass: "switchyard"));
        _server.ApplyYaml(Manifests.IngressRoute("annotation-traefik", "Path(`/5`)", ingressClass: "traefik"));
        _server.ApplyYaml(Manifests.IngressRoute("no-class", "Path(`/6`)"));
        // Never filtered by class, whatever their annotation says.
        _server.ApplyYaml(Manifests.Middleware("auth").Replace("  namespace: default", "  namespace: default\n  annotations: {kubernetes.io/ingress.class: other}", StringComparison.Ordinal));
        await using var run = Run(new KubernetesSourceOptions { IngressClass = providerClass, InitialBackoff = TimeSpan.FromMilliseconds(20) });

        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        var expected = providerClass == ""
            ? new[] { "default/annotation-traefik", "default/no-class", "default/spec-traefik" }
            : new[] { "default/annotation-ours", "default/spec-ours" };
        Assert.That(Routes(run.Latest), Is.EqualTo(expected));
        Assert.That(run.Latest!.Middlewares.Select(m => m.Metadata.Name), Is.EqualTo(new[] { "auth" }));
    }

    private static string WithClassName(string ingressRoute, string className) =>
        ingressRoute.Replace("spec:\n", $"spec:\n  ingressClassName: {className}\n", StringComparison.Ordinal);

    [Test]
    public async Task An_unreadable_object_becomes_a_load_diagnostic_and_others_still_load()
    {
        _server.ApplyYaml(Manifests.IngressRoute("good", "Path(`/`)"));
        // The CRD schema would refuse this today; objects stored under an older, looser schema still exist.
        var validate = _server.Store.Validate;
        _server.Store.Validate = null;
        _server.ApplyYaml("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: broken, namespace: default}
            spec: {routes: "not a list"}
            """);
        _server.Store.Validate = validate;
        await using var run = Run();
        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot");
        Assert.That(Routes(run.Latest), Is.EqualTo(new[] { "default/good" }));
        var d = run.Latest!.LoadDiagnostics.Single();
        Assert.That(d.Code, Is.EqualTo("SY601"));
        Assert.That(d.Resource!.ToString(), Is.EqualTo("IngressRoute default/broken"));
    }

    [Test]
    public async Task Dropped_watches_410_and_a_restart_with_history_wiped_converge_by_relisting()
    {
        _server.ApplyYaml(Manifests.IngressRoute("a", "Path(`/a`)"));
        await using var run = Run();
        await Wait.UntilAsync(() => Routes(run.Latest).Length == 1, Timeout, "first snapshot");
        await Wait.UntilAsync(() => _server.Store.OpenWatches >= 10, Timeout, "watches open");
        int Lists() => _server.CountRequests(r => r.Method == "GET" && r.Path.EndsWith("/ingressroutes", StringComparison.Ordinal) && !r.Query.Contains("watch=true", StringComparison.Ordinal));
        var listsBefore = Lists();

        _server.DropWatches();
        _server.ApplyYaml(Manifests.IngressRoute("b", "Path(`/b`)"));
        await Wait.UntilAsync(() => Routes(run.Latest).Length == 2, Timeout, "resumed after a drop");
        Assert.That(Lists(), Is.EqualTo(listsBefore), "a dropped watch resumes from its resourceVersion without relisting");

        _server.Restart();
        _server.ApplyYaml(Manifests.IngressRoute("c", "Path(`/c`)"));
        _server.Delete("traefik.io/v1alpha1", "IngressRoute", "default", "a");
        await Wait.UntilAsync(() => string.Join(",", Routes(run.Latest)) == "default/b,default/c", Timeout, "converged after restart");
        Assert.That(Lists(), Is.GreaterThan(listsBefore), "410 after the restart forced a relist");
    }

    [Test]
    public async Task Server_errors_are_retried_with_backoff_before_the_first_snapshot()
    {
        _server.ApplyYaml(Manifests.IngressRoute("a", "Path(`/a`)"));
        _server.Faults.FailNext(5);
        await using var run = Run();
        await Wait.UntilAsync(() => Routes(run.Latest).Length == 1, Timeout, "snapshot after errors");
        Assert.That(_server.CountRequests(r => r.Status == 500), Is.EqualTo(5));
    }
}
