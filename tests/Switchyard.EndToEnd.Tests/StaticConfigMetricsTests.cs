using Switchyard.Configuration;
using Switchyard.DataPlane.Metrics;

namespace Switchyard.EndToEnd.Tests;

/// <summary>metrics.prometheus in switchyard.yaml: Traefik's keys and defaults, read strictly.</summary>
[CancelAfter(10_000)]
public class StaticConfigMetricsTests
{
    private const string EntryPoints = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
          admin:
            address: "127.0.0.1:0"
            admin: true

        """;

    [Test]
    public void WithoutMetricsPrometheus_MetricsAreOff()
    {
        var loaded = Load(EntryPoints);
        Assert.That(loaded.Metrics, Is.Null);
    }

    [Test]
    public void AnEmptyPrometheusSection_TakesTraefiksDefaults_OnTheAdminEntryPoint()
    {
        var metrics = Load(EntryPoints + "metrics:\n  prometheus: {}\n").Metrics;
        Assert.That(metrics, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(metrics!.EntryPoint, Is.EqualTo("admin"));
            Assert.That(metrics.Buckets, Is.EqualTo(new[] { 0.1, 0.3, 1.2, 5.0 }));
            Assert.That(metrics.AddEntryPointsLabels, Is.True);
            Assert.That(metrics.AddRoutersLabels, Is.False);
            Assert.That(metrics.AddServicesLabels, Is.True);
        });
    }

    [Test]
    public void EveryKey_IsRead()
    {
        var metrics = Load(EntryPoints + """
            metrics:
              prometheus:
                entryPoint: admin
                buckets: [0.05, 0.5, 2.5]
                addEntryPointsLabels: false
                addRoutersLabels: true
                addServicesLabels: false
            """).Metrics!;
        Assert.That(metrics, Is.EqualTo(new MetricsOptions
        {
            EntryPoint = "admin",
            Buckets = metrics.Buckets,
            AddEntryPointsLabels = false,
            AddRoutersLabels = true,
            AddServicesLabels = false,
        }));
        Assert.That(metrics.Buckets, Is.EqualTo(new[] { 0.05, 0.5, 2.5 }));
    }

    [Test]
    public void AnUnknownKey_IsAnErrorWithItsLine()
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + "metrics:\n  prometheus:\n    addRouterLabels: true\n"));
        Assert.That(ex!.Message, Does.Contain("switchyard.yaml:9:").And.Contain("addRouterLabels"));
    }

    [Test]
    public void ANonAdminEntryPoint_IsAnError()
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + "metrics:\n  prometheus:\n    entryPoint: web\n"));
        Assert.That(ex!.Message, Does.Contain("metrics.prometheus.entryPoint").And.Contain("'web' is not an admin entry point"));
    }

    [Test]
    public void BucketsOutOfOrder_AreAnError()
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + "metrics:\n  prometheus:\n    buckets: [1, 0.5]\n"));
        Assert.That(ex!.Message, Does.Contain("metrics.prometheus.buckets"));
    }

    [Test]
    public void OtlpAlone_PushesWithItsOwnLabelSwitches_AndServesNoPrometheusEndpoint()
    {
        var metrics = Load(EntryPoints + """
            metrics:
              addInternals: true
              otlp:
                addRoutersLabels: true
                addServicesLabels: false
                pushInterval: 2s
                serviceName: edge
                resourceAttributes: {region: eu}
                grpc:
                  endpoint: collector:4317
                  insecure: true
            """).Metrics!;
        Assert.Multiple(() =>
        {
            Assert.That(metrics.EntryPoint, Is.Empty);
            Assert.That(metrics.AddInternals, Is.True);
            Assert.That(metrics.AddRoutersLabels, Is.True);
            Assert.That(metrics.AddServicesLabels, Is.False);
            Assert.That(metrics.Otlp!.Endpoint, Is.EqualTo(new Uri("http://collector:4317")));
            Assert.That(metrics.Otlp.PushInterval, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(metrics.Otlp.ServiceName, Is.EqualTo("edge"));
            Assert.That(metrics.Otlp.ResourceAttributes["region"], Is.EqualTo("eu"));
        });
    }

    [Test]
    public void OtlpDefaults_AreTraefiks_HttpToLocalhostEvery10s()
    {
        var metrics = Load(EntryPoints + "metrics:\n  otlp: {}\n").Metrics!;
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Otlp!.Endpoint, Is.EqualTo(new Uri("https://localhost:4318/v1/metrics")));
            Assert.That(metrics.Otlp.PushInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(metrics.AddEntryPointsLabels, Is.True);
            Assert.That(metrics.AddRoutersLabels, Is.False);
            Assert.That(metrics.Otlp.ExplicitBoundaries, Is.EqualTo(new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 }));
        });
    }

    [Test]
    public void OtlpExplicitBoundaries_AreRead_AndDoNotChangeThePrometheusBuckets()
    {
        var metrics = Load(EntryPoints + "metrics:\n  prometheus: {}\n  otlp:\n    explicitBoundaries: [0.05, 0.5, 5]\n").Metrics!;
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Otlp!.ExplicitBoundaries, Is.EqualTo(new[] { 0.05, 0.5, 5 }));
            Assert.That(metrics.Buckets, Is.EqualTo(new[] { 0.1, 0.3, 1.2, 5.0 }));
        });
    }

    [TestCase("metrics:\n  otlp:\n    pushInterval: soon\n", "metrics.otlp.pushInterval: 'soon'")]
    [TestCase("metrics:\n  otlp:\n    explicitBoundaries: [0.1, 1, 1]\n", "metrics.otlp.explicitBoundaries: must be positive seconds in ascending order (got 0.1, 1, 1)")]
    [TestCase("metrics:\n  otlp:\n    explicitBoundaries: [-1, 1]\n", "metrics.otlp.explicitBoundaries: must be positive seconds in ascending order (got -1, 1)")]
    [TestCase("metrics:\n  otlp:\n    explicitBoundaries: [2, 1]\n", "metrics.otlp.explicitBoundaries: must be positive seconds in ascending order")]
    public void BadOtlpValues_AreErrorsNamingTheKey(string yaml, string message)
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + yaml));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    /// <summary>Loads <paramref name="yaml"/> as a switchyard.yaml in a temporary folder.</summary>
    internal static LoadedStaticConfig Load(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-metrics-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "switchyard.yaml");
            File.WriteAllText(path, yaml);
            return StaticConfigLoader.Load(path);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
