using System.Text.Json;
using k8s;
using k8s.Autorest;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Source;

/// <summary>
/// Issue 13.3: an unknown field is judged the way the API server judges it. Strict field validation (kubectl
/// apply's default) refuses the object naming the field, which is what `validate` and the manifest folder do;
/// without it the API server prunes the field and stores the object, and the watch serves what is stored.
/// </summary>
[CancelAfter(60_000)]
public sealed class UnknownFieldTests
{
    private const string Route = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          routes:
            - match: Host(`app.example.com`)
              services:
                - name: app
                  port: 80
                  schema: h2c
        """;

    private FakeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await FakeApiServer.StartAsync();
        TraefikCrds.Install(_server);
        _client = new k8s.Kubernetes(KubernetesClientFactory.AllowDeepObjects(_server.ClientConfiguration()));
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Strict_validation_refuses_the_field_the_loader_refuses_and_a_pruned_object_is_served()
    {
        var body = JsonSerializer.Deserialize<JsonElement>(JsonSerializer.Serialize(YamlJson.ParseDocuments(Route).Single()));
        HttpOperationException? refused = null;
        try
        {
            await _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "traefik.io", "v1alpha1", "default", "ingressroutes", fieldValidation: "Strict");
        }
        catch (HttpOperationException e)
        {
            refused = e;
        }

        var loaded = ManifestLoader.LoadText(Route, "app.yaml");
        var diagnostic = loaded.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.UnknownField);
        Assert.Multiple(() =>
        {
            Assert.That(refused?.Response.Content, Does.Contain("spec.routes[0].services[0].schema"), "the API server names the field");
            Assert.That(diagnostic.Severity, Is.EqualTo(Severity.Error));
            Assert.That(diagnostic.Field, Is.EqualTo("spec.routes[0].services[0].schema"), "the loader names the same field");
            Assert.That(loaded.IngressRoutes, Is.Empty, "and refuses the object too");
        });

        // Without strict validation the API server prunes the field: the stored object has none, and it is served.
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "traefik.io", "v1alpha1", "default", "ingressroutes");
        Assert.That(_server.Get("traefik.io/v1alpha1", "IngressRoute", "default", "app")!.ToJsonString(), Does.Not.Contain("schema"));
        await using var run = new SourceRun(new KubernetesSnapshotSource(_client, new KubernetesSourceOptions(), new TestLogger<KubernetesSnapshotSource>()));
        await Wait.UntilAsync(() => run.Latest is not null, TimeSpan.FromSeconds(15), "first snapshot");
        Assert.Multiple(() =>
        {
            Assert.That(run.Latest!.IngressRoutes.Select(r => r.Metadata.Name), Is.EqualTo(new[] { "app" }));
            Assert.That(run.Latest.LoadDiagnostics, Is.Empty);
        });
    }
}
