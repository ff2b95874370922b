using System.Text.Json;
using k8s;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.Tests;

[CancelAfter(10_000)]
public class ModelSerializationTests
{
    [Test]
    public void IngressRoute_round_trips_with_traefik_json_names()
    {
        const string json = """
        {"apiVersion":"traefik.io/v1alpha1","kind":"IngressRoute","metadata":{"name":"r","namespace":"ns"},
         "spec":{"entryPoints":["web"],"routes":[{"match":"Host(`a`)","priority":5,
           "middlewares":[{"name":"m"}],
           "services":[{"name":"svc","port":"grpc","scheme":"h2c","weight":3,"nativeLB":true,"nodePortLB":false,
             "healthCheck":{"mode":"grpc","interval":"10s","timeout":3,"grpcServiceName":"pkg.Svc"},
             "passiveHealthCheck":{"failureWindow":"5s","maxFailedAttempts":2},
             "sticky":{"cookie":{"name":"c","httpOnly":true}}}]}],
           "tls":{"secretName":"s","options":{"name":"o"},"domains":[{"main":"a","sans":["b"]}]}}}
        """;
        var route = KubernetesJson.Deserialize<IngressRoute>(json);
        var svc = route.Spec.Routes[0].Services![0];
        Assert.Multiple(() =>
        {
            Assert.That(route.Metadata.NamespaceProperty, Is.EqualTo("ns"));
            Assert.That(route.Spec.Routes[0].Priority, Is.EqualTo(5));
            Assert.That(svc.Port!.Value, Is.EqualTo("grpc"));
            Assert.That(svc.NativeLB, Is.True);
            Assert.That(svc.HealthCheck!.Interval!.Value, Is.EqualTo("10s"));
            Assert.That(svc.HealthCheck.Timeout!.Value, Is.EqualTo("3"));
            Assert.That(svc.HealthCheck.GrpcServiceName, Is.EqualTo("pkg.Svc"));
            Assert.That(route.Spec.Tls!.Domains![0].Sans, Is.EqualTo(new[] { "b" }));
        });

        var back = KubernetesJson.Serialize(route);
        Assert.That(back, Does.Contain("\"nativeLB\":true").And.Contain("\"grpcServiceName\":\"pkg.Svc\"").And.Contain("\"entryPoints\""));
    }

    [Test]
    public void Missing_required_match_is_rejected_by_the_serializer()
    {
        const string json = """{"apiVersion":"traefik.io/v1alpha1","kind":"IngressRoute","metadata":{"name":"r"},"spec":{"routes":[{"kind":"Rule"}]}}""";
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize<IngressRoute>(json));
    }

    [Test]
    public void Origin_locate_falls_back_to_nearest_parent_then_object()
    {
        var fields = System.Collections.Immutable.ImmutableDictionary<string, SourceLocation>.Empty
            .Add("spec.routes[1]", new SourceLocation("f.yaml", 10, 5))
            .Add("spec.routes[1].match", new SourceLocation("f.yaml", 11, 7));
        var origin = new ObjectOrigin("f.yaml", 1, 1, fields);
        Assert.Multiple(() =>
        {
            Assert.That(origin.Locate("spec.routes[1].match"), Is.EqualTo(new SourceLocation("f.yaml", 11, 7)));
            Assert.That(origin.Locate("spec.routes[1].middlewares[0].name"), Is.EqualTo(new SourceLocation("f.yaml", 10, 5)));
            Assert.That(origin.Locate("spec.tls"), Is.EqualTo(new SourceLocation("f.yaml", 1, 1)));
            Assert.That(origin.Locate(null), Is.EqualTo(new SourceLocation("f.yaml", 1, 1)));
        });
    }

    [Test]
    public void Origins_share_their_field_path_strings()
    {
        // 10 000 objects name the same few dozen field paths; each origin must not keep its own copy.
        static ObjectOrigin Read(int line) => new("f.yaml", line, 1,
            [new($"spec.routes[{0}].match", new SourceLocation("f.yaml", line + 3, 14))]);
        var first = Read(1);
        var second = Read(20);
        Assert.Multiple(() =>
        {
            Assert.That(second.Locate("spec.routes[0].match"), Is.EqualTo(new SourceLocation("f.yaml", 23, 14)));
            Assert.That(first.Locate("spec.routes[0].match"), Is.EqualTo(new SourceLocation("f.yaml", 4, 14)));
        });
        Assert.That(first.FieldPaths[0], Is.SameAs(second.FieldPaths[0]));
    }

    [Test]
    public void Empty_snapshot_has_empty_arrays()
    {
        Assert.That(ClusterSnapshot.Empty.IngressRoutes.IsDefault, Is.False);
        Assert.That(ClusterSnapshot.Empty.ObjectCount, Is.Zero);
    }
}
