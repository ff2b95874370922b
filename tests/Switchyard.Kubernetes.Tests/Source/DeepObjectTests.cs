using Switchyard.Model.Diagnostics;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Source;

/// <summary>
/// Issue 17.3: a Middleware whose plugin configuration nests 200 levels (the API server stores it: its decoder
/// allows 10,000) made the Middleware list and watch fail forever ("maximum configured depth of 64"), so a
/// restarted gateway never became ready. Now that object alone is refused, with a diagnostic naming it.
/// </summary>
[CancelAfter(60_000)]
public sealed class DeepObjectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private FakeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        TraefikCrds.Install(_server);
        // The configuration `switchyard run` builds (KubernetesClientFactory), pointed at the fake API server.
        _client = new k8s.Kubernetes(KubernetesClientFactory.AllowDeepObjects(_server.ClientConfiguration()));
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static string DeepPlugin(string name, int depth) =>
        $"apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  plugin:\n    x: " +
        new string('[', depth) + new string(']', depth) + "\n";

    [Test]
    public async Task A_200_level_plugin_config_is_one_diagnostic_and_the_rest_keeps_being_watched()
    {
        _server.ApplyYaml(Manifests.Middleware("good"));
        _server.ApplyYaml(DeepPlugin("deep", 200));
        await using var run = new SourceRun(new KubernetesSnapshotSource(_client,
            new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) }, new TestLogger<KubernetesSnapshotSource>()));

        // The first snapshot is published only when every kind listed once: this is the readiness that never came.
        await Wait.UntilAsync(() => run.Latest is not null, Timeout, "first snapshot (every list succeeded)");
        Assert.That(run.Latest!.Middlewares.Select(m => m.Metadata.Name), Is.EqualTo(new[] { "good" }));
        var diagnostic = run.Latest.LoadDiagnostics.Single(d => d.Resource?.Name == "deep");
        Assert.That(diagnostic.Code, Is.EqualTo(DiagnosticCodes.KubernetesObjectUnreadable));
        Assert.That(diagnostic.Message, Does.Contain("levels deep"));

        // The watch is alive: a later change to another Middleware arrives.
        _server.ApplyYaml(Manifests.Middleware("later"));
        await Wait.UntilAsync(() => run.Latest!.Middlewares.Any(m => m.Metadata.Name == "later"), Timeout, "a change after the deep object");

        // A deep object arriving on the watch is refused the same way, without breaking the watch.
        _server.ApplyYaml(DeepPlugin("deep-too", 300));
        await Wait.UntilAsync(() => run.Latest!.LoadDiagnostics.Any(d => d.Resource?.Name == "deep-too"), Timeout, "the watched deep object's diagnostic");
        _server.ApplyYaml(Manifests.Middleware("last"));
        await Wait.UntilAsync(() => run.Latest!.Middlewares.Any(m => m.Metadata.Name == "last"), Timeout, "a change after the second deep object");
    }
}
