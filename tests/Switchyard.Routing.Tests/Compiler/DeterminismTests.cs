using System.Collections.Immutable;
using Switchyard.Model;
using Switchyard.Routing;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>Same input ⇒ byte-identical output: compiled twice, and with every list of the snapshot shuffled.</summary>
public class DeterminismTests
{
    private static readonly string[] RichCases =
        ["middleware-chain", "traefikservice-mirroring", "tls-options-store-resolver", "route-basic", "service-id-collision", "weighted-services", "priority-order"];

    /// <summary>All inputs of several golden cases in one snapshot (names are distinct across them... or collide deterministically).</summary>
    private static ClusterSnapshot Rich()
    {
        var files = RichCases.SelectMany(GoldenCase.InputFiles).Distinct().ToArray();
        return ManifestLoader.LoadFiles(files);
    }

    [Test]
    [CancelAfter(30_000)]
    public void CompilingTwiceGivesTheSameBytes()
    {
        var snapshot = Rich();
        var first = RoutingTableJson.Serialize(RoutingCompiler.Compile(snapshot));
        var second = RoutingTableJson.Serialize(RoutingCompiler.Compile(snapshot));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain("\"routers\""));
    }

    [Test]
    [CancelAfter(30_000)]
    public void InputOrderDoesNotChangeTheOutput()
    {
        var snapshot = Rich();
        var expected = RoutingTableJson.Serialize(RoutingCompiler.Compile(snapshot));
        for (var seed = 1; seed <= 5; seed++)
        {
            var random = new Random(seed);
            var shuffled = snapshot with
            {
                IngressRoutes = Shuffle(snapshot.IngressRoutes, random),
                Middlewares = Shuffle(snapshot.Middlewares, random),
                ServersTransports = Shuffle(snapshot.ServersTransports, random),
                TlsOptions = Shuffle(snapshot.TlsOptions, random),
                TlsStores = Shuffle(snapshot.TlsStores, random),
                TraefikServices = Shuffle(snapshot.TraefikServices, random),
                Services = Shuffle(snapshot.Services, random),
                EndpointSlices = Shuffle(snapshot.EndpointSlices, random),
                Secrets = Shuffle(snapshot.Secrets, random),
                ConfigMaps = Shuffle(snapshot.ConfigMaps, random),
                LoadDiagnostics = Shuffle(snapshot.LoadDiagnostics, random),
            };
            Assert.That(RoutingTableJson.Serialize(RoutingCompiler.Compile(shuffled)), Is.EqualTo(expected), $"shuffle seed {seed}");
        }
    }

    private static ImmutableArray<T> Shuffle<T>(ImmutableArray<T> items, Random random)
    {
        var array = items.ToArray();
        random.Shuffle(array);
        return [.. array];
    }
}
