using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.FakeApi;

/// <summary>The fake API server's REST semantics, driven by the real KubernetesClient.</summary>
[CancelAfter(30_000)]
public sealed class FakeApiServerRestTests
{
    private FakeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync();
        _server.ApplyYaml(WidgetCrd.Yaml);
        _client = _server.CreateClient();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static async Task<HttpOperationException> Fails(Func<Task> call) =>
        (await Assert.ThrowsAsync<HttpOperationException>(async () => await call()))!;

    private Task<object> CreateAsync(JsonObject widget, CancellationToken ct) =>
        _client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, cancellationToken: ct);

    private async Task<JsonObject> GetAsync(string name, CancellationToken ct) =>
        WidgetCrd.Node(await _client.CustomObjects.GetNamespacedCustomObjectAsync(WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, name, ct));

    [Test]
    public async Task Create_sets_uid_generation_and_resourceVersion_and_list_returns_collection_version(CancellationToken ct)
    {
        var created = WidgetCrd.Node(await CreateAsync(WidgetCrd.Widget("a", 1), ct));
        await CreateAsync(WidgetCrd.Widget("b", 2), ct);
        var list = WidgetCrd.Node(await _client.CustomObjects.ListNamespacedCustomObjectAsync(WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, cancellationToken: ct));

        Assert.That((string?)created["metadata"]!["uid"], Is.Not.Empty);
        Assert.That((long)created["metadata"]!["generation"]!, Is.EqualTo(1));
        Assert.That((string?)created["metadata"]!["creationTimestamp"], Is.Not.Empty);
        var itemRvs = list["items"]!.AsArray().Select(i => long.Parse((string)i!["metadata"]!["resourceVersion"]!)).ToList();
        Assert.That(itemRvs, Has.Count.EqualTo(2));
        Assert.That(long.Parse((string)list["metadata"]!["resourceVersion"]!), Is.GreaterThanOrEqualTo(itemRvs.Max()));
        Assert.That(itemRvs[1], Is.GreaterThan(itemRvs[0]), "one global increasing resourceVersion");
    }

    [Test]
    public async Task Duplicate_create_is_409_AlreadyExists_as_Status_json(CancellationToken ct)
    {
        await CreateAsync(WidgetCrd.Widget("a", 1), ct);
        var e = await Fails(() => CreateAsync(WidgetCrd.Widget("a", 1), ct));
        Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.That((string?)status["kind"], Is.EqualTo("Status"));
        Assert.That((string?)status["reason"], Is.EqualTo("AlreadyExists"));
        Assert.That((int)status["code"]!, Is.EqualTo(409));
    }

    [Test]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict(CancellationToken ct)
    {
        var first = WidgetCrd.Node(await CreateAsync(WidgetCrd.Widget("a", 1), ct));
        first["spec"]!["size"] = 2;
        await _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(first, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct);

        first["spec"]!["size"] = 3; // still carries the first resourceVersion
        var e = await Fails(() =>
            _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(first, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((string?)JsonNode.Parse(e.Response.Content)!["reason"], Is.EqualTo("Conflict"));
    }

    [Test]
    public async Task Generation_bumps_only_on_spec_change_and_status_writes_change_only_status(CancellationToken ct)
    {
        await CreateAsync(WidgetCrd.Widget("a", 1), ct);
        var labelPatch = new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch);
        var labelled = WidgetCrd.Node(await _client.CustomObjects.PatchNamespacedCustomObjectAsync(labelPatch, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That((long)labelled["metadata"]!["generation"]!, Is.EqualTo(1), "metadata change keeps generation");

        var specPatch = new V1Patch("""{"spec":{"size":5},"status":{"ignored":true}}""", V1Patch.PatchType.MergePatch);
        var resized = WidgetCrd.Node(await _client.CustomObjects.PatchNamespacedCustomObjectAsync(specPatch, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That((long)resized["metadata"]!["generation"]!, Is.EqualTo(2));
        Assert.That(resized["status"], Is.Null, "the main resource ignores status when /status exists");

        var statusPatch = new V1Patch("""{"spec":{"size":9},"status":{"ready":true}}""", V1Patch.PatchType.MergePatch);
        var withStatus = WidgetCrd.Node(await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That((bool)withStatus["status"]!["ready"]!, Is.True);
        Assert.That((long)withStatus["spec"]!["size"]!, Is.EqualTo(5), "/status writes change only status");
        Assert.That((long)withStatus["metadata"]!["generation"]!, Is.EqualTo(2));
    }

    [Test]
    public async Task A_no_op_write_does_not_bump_resourceVersion(CancellationToken ct)
    {
        var created = WidgetCrd.Node(await CreateAsync(WidgetCrd.Widget("a", 1), ct));
        var same = new V1Patch("""{"spec":{"size":1}}""", V1Patch.PatchType.MergePatch);
        var after = WidgetCrd.Node(await _client.CustomObjects.PatchNamespacedCustomObjectAsync(same, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That((string?)after["metadata"]!["resourceVersion"], Is.EqualTo((string?)created["metadata"]!["resourceVersion"]));
    }

    [Test]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415(CancellationToken ct)
    {
        await CreateAsync(WidgetCrd.Widget("a", 1), ct);
        var patch = new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.StrategicMergePatch);
        var e = await Fails(() =>
            _client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct));
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(415));
    }

    [Test]
    public async Task Delete_with_finalizers_sets_deletionTimestamp_and_removing_the_last_finalizer_deletes(CancellationToken ct)
    {
        var w = WidgetCrd.Widget("a", 1);
        w["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        await CreateAsync(w, ct);
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct);
        var terminating = await GetAsync("a", ct);
        Assert.That((string?)terminating["metadata"]!["deletionTimestamp"], Is.Not.Null.And.Not.Empty);

        var clear = new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch);
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(clear, WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, "a", cancellationToken: ct);
        var e = await Fails(() => GetAsync("a", ct));
        Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Custom_resources_are_validated_against_the_CRD_schema_with_422(CancellationToken ct)
    {
        var wrongType = WidgetCrd.Widget("a", 1);
        wrongType["spec"]!["size"] = "big";
        var e = await Fails(() => CreateAsync(wrongType, ct));
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(422));
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.That((string?)status["reason"], Is.EqualTo("Invalid"));
        Assert.That(e.Response.Content, Does.Contain("spec.size"));

        var missing = WidgetCrd.Widget("b", 1);
        missing["spec"]!.AsObject().Remove("size");
        e = await Fails(() => CreateAsync(missing, ct));
        Assert.That(e.Response.Content, Does.Contain("spec.size").And.Contain("Required"));

        var badEnum = WidgetCrd.Widget("c", 1, color: "green");
        e = await Fails(() => CreateAsync(badEnum, ct));
        Assert.That(e.Response.Content, Does.Contain("spec.color"));
    }

    [Test]
    public async Task Unknown_fields_are_pruned_and_int_or_string_accepts_both(CancellationToken ct)
    {
        var w = WidgetCrd.Widget("a", 1);
        w["spec"]!["extra"] = "dropped";
        w["spec"]!["port"] = "grpc";
        var created = WidgetCrd.Node(await CreateAsync(w, ct));
        Assert.That(created["spec"]!["extra"], Is.Null);
        Assert.That((string?)created["spec"]!["port"], Is.EqualTo("grpc"));
    }

    [Test]
    public async Task Label_selector_filters_lists(CancellationToken ct)
    {
        await CreateAsync(WidgetCrd.Widget("a", 1, labels: new() { ["team"] = "x" }), ct);
        await CreateAsync(WidgetCrd.Widget("b", 1, labels: new() { ["team"] = "y" }), ct);
        await CreateAsync(WidgetCrd.Widget("c", 1), ct);

        async Task<string[]> Names(string selector) =>
            [.. WidgetCrd.Node(await _client.CustomObjects.ListNamespacedCustomObjectAsync(WidgetCrd.Group, WidgetCrd.Version, "default", WidgetCrd.Plural, labelSelector: selector, cancellationToken: ct))["items"]!
                .AsArray().Select(i => (string)i!["metadata"]!["name"]!)];

        Assert.That(await Names("team=x"), Is.EqualTo(new[] { "a" }));
        Assert.That(await Names("team!=x"), Is.EqualTo(new[] { "b", "c" }));
        Assert.That(await Names("team in (x,y)"), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(await Names("!team"), Is.EqualTo(new[] { "c" }));
    }

    [Test]
    public async Task Namespaced_and_all_namespace_lists_and_core_types_work_through_the_typed_client(CancellationToken ct)
    {
        var svc = new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "grpc", Port = 80 }] } };
        await _client.CoreV1.CreateNamespacedServiceAsync(svc, "a", cancellationToken: ct);
        await _client.CoreV1.CreateNamespacedServiceAsync(svc, "b", cancellationToken: ct);

        var inA = await _client.CoreV1.ListNamespacedServiceAsync("a", cancellationToken: ct);
        var all = await _client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct);
        Assert.That(inA.Items.Select(s => s.Namespace()), Is.EqualTo(new[] { "a" }));
        Assert.That(all.Items.Select(s => s.Namespace()), Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(all.Items[0].Spec.Ports[0].Name, Is.EqualTo("grpc"));

        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "web-1", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "web" } },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = ["127.0.0.1"], Conditions = new V1EndpointConditions { Ready = true } }],
            Ports = [new Discoveryv1EndpointPort { Name = "grpc", Port = 5000 }],
        };
        await _client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, "a", cancellationToken: ct);
        var slices = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync("a", labelSelector: "kubernetes.io/service-name=web", cancellationToken: ct);
        Assert.That(slices.Items.Single().Endpoints[0].Addresses, Is.EqualTo(new[] { "127.0.0.1" }));
    }

    [Test]
    public async Task Leases_and_events_can_be_written(CancellationToken ct)
    {
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "switchyard" }, Spec = new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 5 } };
        var created = await _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "ops", cancellationToken: ct);
        created.Spec.HolderIdentity = "pod-b";
        var replaced = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "switchyard", "ops", cancellationToken: ct);
        Assert.That(replaced.Spec.HolderIdentity, Is.EqualTo("pod-b"));

        var ev = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "route." },
            EventTime = DateTime.UtcNow,
            Reason = "MiddlewareNotFound",
            Note = "route 0 references missing Middleware default/auth",
            Type = "Warning",
            Action = "Reconcile",
            ReportingController = "switchyard.io/operator",
            ReportingInstance = "pod-a",
            Regarding = new V1ObjectReference { Kind = "IngressRoute", Name = "r", NamespaceProperty = "default" },
        };
        var written = await _client.EventsV1.CreateNamespacedEventAsync(ev, "default", cancellationToken: ct);
        Assert.That(written.Name(), Does.StartWith("route."));
        var events = await _client.EventsV1.ListNamespacedEventAsync("default", cancellationToken: ct);
        Assert.That(events.Items.Single().Note, Does.Contain("default/auth"));
    }

    [Test]
    public async Task Unknown_resources_are_404_and_faults_answer_500_then_429_with_Retry_After(CancellationToken ct)
    {
        var e = await Fails(() =>
            _client.CustomObjects.ListNamespacedCustomObjectAsync("traefik.containo.us", "v1alpha1", "default", "ingressroutes", cancellationToken: ct));
        Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        _server.Faults.FailNext(1);
        e = await Fails(() => _client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: ct));
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(500));

        _server.Faults.ThrottleNext(1, retryAfterSeconds: 3);
        e = await Fails(() => _client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: ct));
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(429));
        Assert.That(e.Response.Headers["Retry-After"].Single(), Is.EqualTo("3"));

        var ok = await _client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: ct);
        Assert.That(ok.Items, Is.Empty);
    }
}
