using System.Text.Json;
using k8s;
using k8s.Models;
using Switchyard.Model.Loading;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.Tests;

/// <summary>
/// Manifests decode with options of our own (ManifestLimits.DeepKubernetesJson) so a gateway on a folder never runs
/// KubernetesJson's static constructor; they must read objects exactly as KubernetesClient's options would.
/// </summary>
[CancelAfter(10_000)]
public class ManifestJsonOptionsTests
{
    [Test]
    public void Settings_match_kubernetes_clients_except_depth_and_resolver()
    {
        JsonSerializerOptions? theirs = null;
        KubernetesJson.AddJsonOptions(o => theirs = o);
        var ours = ManifestLimits.DeepKubernetesJson;
        var compared = typeof(JsonSerializerOptions).GetProperties()
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0
                && p.Name is not (nameof(JsonSerializerOptions.MaxDepth) or nameof(JsonSerializerOptions.TypeInfoResolver)
                    or nameof(JsonSerializerOptions.TypeInfoResolverChain) or nameof(JsonSerializerOptions.Converters)
                    or nameof(JsonSerializerOptions.IsReadOnly)))
            .ToList();
        Assert.Multiple(() =>
        {
            foreach (var p in compared)
            {
                Assert.That(p.GetValue(ours)?.ToString(), Is.EqualTo(p.GetValue(theirs)?.ToString()), p.Name);
            }

            // V1Status's own converter is left out: no manifest kind decodes a V1Status.
            Assert.That(ours.Converters.Select(c => c.GetType()),
                Is.EqualTo(theirs!.Converters.Select(c => c.GetType()).Where(t => t.DeclaringType != typeof(V1Status))));
            Assert.That(ours.MaxDepth, Is.EqualTo(ManifestLimits.WireMaxDepth));
        });
    }

    [Test]
    public void A_route_and_a_service_decode_the_same_with_either()
    {
        const string route = """
        {"apiVersion":"traefik.io/v1alpha1","kind":"IngressRoute","metadata":{"name":"r","namespace":"ns","creationTimestamp":"2026-01-02T03:04:05Z"},
         "spec":{"entryPoints":["web"],"routes":[{"match":"Host(`a`)","priority":5,"kind":"Rule",
           "services":[{"name":"svc","port":"grpc","scheme":"h2c","weight":3}]}]}}
        """;
        const string service = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"type":"ClusterIP","ports":[{"name":"grpc","port":80,"targetPort":"h2"}]}}
        """;
        Assert.Multiple(() =>
        {
            Assert.That(KubernetesJson.Serialize(JsonSerializer.Deserialize<IngressRoute>(route, ManifestLimits.DeepKubernetesJson)),
                Is.EqualTo(KubernetesJson.Serialize(KubernetesJson.Deserialize<IngressRoute>(route))));
            Assert.That(KubernetesJson.Serialize(JsonSerializer.Deserialize<V1Service>(service, ManifestLimits.DeepKubernetesJson)),
                Is.EqualTo(KubernetesJson.Serialize(KubernetesJson.Deserialize<V1Service>(service))));
        });
    }
}
