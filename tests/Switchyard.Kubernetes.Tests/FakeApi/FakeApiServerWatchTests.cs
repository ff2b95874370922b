using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.FakeApi;

/// <summary>The fake API server's watch protocol, driven by the real KubernetesClient's watch enumerators.</summary>
[CancelAfter(30_000)]
public sealed class FakeApiServerWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private FakeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        _client = _server.CreateClient();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static V1ConfigMap Map(string name, string value, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = labels }, Data = new Dictionary<string, string> { ["v"] = value } };

    /// <summary>Collects a watch's events in the background until the stream ends or the test ends.</summary>
    private sealed class Recorder
    {
        public ConcurrentQueue<(WatchEventType Type, V1ConfigMap Object)> Events { get; } = new();

        public ConcurrentQueue<Exception> Errors { get; } = new();

        public Task Done { get; private set; } = Task.CompletedTask;

        public Recorder Start(IAsyncEnumerable<(WatchEventType, V1ConfigMap)> stream, CancellationToken ct)
        {
            Done = Task.Run(async () =>
            {
                try
                {
                    await foreach (var (t, o) in stream.WithCancellation(ct))
                    {
                        Events.Enqueue((t, o));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Errors.Enqueue(e);
                }
            }, ct);
            return this;
        }

        public string[] Lines => [.. Events.Where(e => e.Type != WatchEventType.Bookmark).Select(e => $"{e.Type} {e.Object.Name()} {e.Object.Data?["v"]}")];
    }

    private IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string? rv, CancellationToken ct, string? labels = null, bool bookmarks = false, int? timeoutSeconds = null, Recorder? errors = null) =>
        _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: rv, labelSelector: labels, allowWatchBookmarks: bookmarks,
            timeoutSeconds: timeoutSeconds, onError: e => errors?.Errors.Enqueue(e), cancellationToken: ct);

    [Test]
    public async Task Watch_from_a_resourceVersion_replays_newer_history_then_streams_live_events(CancellationToken ct)
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("old", "0"), "default", cancellationToken: ct);
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "default", cancellationToken: ct);

        var rec = new Recorder().Start(Watch(list.ResourceVersion(), ct), ct);
        await Wait.UntilAsync(() => rec.Events.Count == 1, Timeout, "replayed ADDED");

        var a = await _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: ct);
        a.Data["v"] = "2";
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "default", cancellationToken: ct);
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", cancellationToken: ct);

        await Wait.UntilAsync(() => rec.Events.Count == 3, Timeout, "live events");
        Assert.That(rec.Lines, Is.EqualTo(new[] { "Added a 1", "Modified a 2", "Deleted a 2" }));
    }

    [Test]
    public async Task Watch_without_resourceVersion_starts_with_synthetic_ADDED_events(CancellationToken ct)
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "default", cancellationToken: ct);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("b", "1"), "default", cancellationToken: ct);
        var rec = new Recorder().Start(Watch(null, ct), ct);
        await Wait.UntilAsync(() => rec.Events.Count == 2, Timeout, "initial ADDED events");
        Assert.That(rec.Lines, Is.EqualTo(new[] { "Added a 1", "Added b 1" }));
    }

    [Test]
    public async Task Too_old_a_resourceVersion_gets_one_ERROR_410_line_then_the_stream_closes(CancellationToken ct)
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "default", cancellationToken: ct);
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        _server.Store.CompactHistory();

        var rec = new Recorder();
        rec.Start(Watch(list.ResourceVersion(), ct, errors: rec), ct);
        await rec.Done.WaitAsync(Timeout, ct);

        var error = rec.Errors.OfType<KubernetesException>().Single();
        Assert.That(error.Status.Code, Is.EqualTo(410));
        Assert.That(error.Status.Reason, Is.EqualTo("Expired"));
        Assert.That(rec.Events, Is.Empty);
    }

    [Test]
    public async Task Label_selected_watch_sees_objects_enter_and_leave_the_selection(CancellationToken ct)
    {
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        var rec = new Recorder().Start(Watch(list.ResourceVersion(), ct, labels: "app=web"), ct);

        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("other", "1"), "default", cancellationToken: ct);
        var m = await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("m", "1"), "default", cancellationToken: ct);
        m.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        m = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(m, "m", "default", cancellationToken: ct);
        m.Metadata.Labels = null;
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(m, "m", "default", cancellationToken: ct);

        await Wait.UntilAsync(() => rec.Events.Count == 2, Timeout, "enter and leave events");
        Assert.That(rec.Lines, Is.EqualTo(new[] { "Added m 1", "Deleted m 1" }));
    }

    [Test]
    public async Task Bookmarks_carry_the_current_resourceVersion_when_requested(CancellationToken ct)
    {
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("x", "1"), "kube-system", cancellationToken: ct); // not in the watched namespace
        var rec = new Recorder().Start(Watch(list.ResourceVersion(), ct, bookmarks: true), ct);
        await Wait.UntilAsync(() => rec.Events.Any(e => e.Type == WatchEventType.Bookmark), Timeout, "a bookmark");
        var bookmark = rec.Events.First(e => e.Type == WatchEventType.Bookmark);
        Assert.That(long.Parse(bookmark.Object.ResourceVersion()), Is.GreaterThan(long.Parse(list.ResourceVersion())));
    }

    [Test]
    public async Task TimeoutSeconds_ends_the_stream(CancellationToken ct)
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "default", cancellationToken: ct);
        var rec = new Recorder().Start(Watch(null, ct, timeoutSeconds: 1), ct);
        await rec.Done.WaitAsync(Timeout, ct);
        Assert.That(rec.Lines, Is.EqualTo(new[] { "Added a 1" }));
        Assert.That(rec.Errors, Is.Empty);
    }

    [Test]
    public async Task Dropping_watches_mid_stream_ends_them_and_a_restart_makes_old_versions_expire(CancellationToken ct)
    {
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        var rec = new Recorder().Start(Watch(list.ResourceVersion(), ct), ct);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "default", cancellationToken: ct);
        await Wait.UntilAsync(() => rec.Events.Count == 1, Timeout, "first event");
        await Wait.UntilAsync(() => _server.Store.OpenWatches == 1, Timeout, "watch registered");

        _server.Restart();
        await rec.Done.WaitAsync(Timeout, ct);
        Assert.That(_server.Store.OpenWatches, Is.EqualTo(0));

        var again = new Recorder();
        again.Start(Watch(rec.Events.Last().Object.ResourceVersion(), ct, errors: again), ct);
        await again.Done.WaitAsync(Timeout, ct);
        Assert.That(again.Errors.OfType<KubernetesException>().Single().Status.Code, Is.EqualTo(410));
    }

    [Test]
    public async Task Custom_resources_are_watched_through_the_generic_api(CancellationToken ct)
    {
        _server.ApplyYaml(WidgetCrd.Yaml);
        var events = new ConcurrentQueue<string>();
        var watch = Task.Run(async () =>
        {
            await foreach (var (t, o) in _client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(WidgetCrd.Group, WidgetCrd.Version, WidgetCrd.Plural, cancellationToken: ct))
            {
                events.Enqueue($"{t} {(string?)WidgetCrd.Node(o)["metadata"]!["namespace"]}");
            }
        }, ct);
        await Wait.UntilAsync(() => _server.Store.OpenWatches == 1, Timeout, "watch registered");
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(WidgetCrd.Widget("a", 1, ns: "x"), WidgetCrd.Group, WidgetCrd.Version, "x", WidgetCrd.Plural, cancellationToken: ct);
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(WidgetCrd.Widget("a", 1, ns: "y"), WidgetCrd.Group, WidgetCrd.Version, "y", WidgetCrd.Plural, cancellationToken: ct);
        await Wait.UntilAsync(() => events.Count == 2, Timeout, "two events");
        Assert.That(events, Is.EqualTo(new[] { "Added x", "Added y" }));
        _server.DropWatches();
        await watch.WaitAsync(Timeout, ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
