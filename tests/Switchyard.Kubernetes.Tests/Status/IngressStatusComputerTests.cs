using k8s.Models;
using Switchyard.Kubernetes.Status;
using Switchyard.Model;
using Switchyard.Routing;

namespace Switchyard.Kubernetes.Tests.Status;

/// <summary>
/// status.loadBalancer of processed Ingresses from ingressEndpoint (Traefik's updateIngressStatus): what is written, and
/// that an Ingress already carrying the addresses (in any order) is not written again.
/// </summary>
public sealed class IngressStatusComputerTests
{
    private const string Manifests = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: mine, namespace: default}
        spec:
          rules: [{host: a.example.com}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: nginx-owned
          namespace: default
          annotations: {kubernetes.io/ingress.class: nginx}
        spec:
          rules: [{host: b.example.com}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: done, namespace: default}
        spec:
          rules: [{host: c.example.com}]
        status:
          loadBalancer:
            ingress: [{hostname: lb.example.com}, {ip: 203.0.113.7}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: gateway, namespace: infra}
        spec:
          type: LoadBalancer
          ports: [{name: web, port: 80}]
        status:
          loadBalancer:
            ingress: [{ip: 203.0.113.7}, {hostname: lb.example.com}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: internal, namespace: infra}
        spec:
          externalIPs: [198.51.100.1]
          ports: [{name: web, port: 80}]
        """;

    private static readonly ClusterSnapshot Snapshot = ManifestLoader.LoadText(Manifests, "status.yaml");

    private static IReadOnlyList<IngressStatusUpdate> Compute(IngressEndpoint? endpoint, out string? problem) =>
        IngressStatusComputer.Compute(Snapshot, new IngressSourceOptions { Endpoint = endpoint, Provider = IngressProviderOptions.Default }, out problem);

    [Test]
    public void A_fixed_ip_goes_to_every_processed_ingress_that_does_not_have_it()
    {
        var updates = Compute(new IngressEndpoint("192.0.2.1", null, null), out var problem);
        Assert.That(problem, Is.Null);
        // nginx-owned is another controller's: never touched. "done" has other addresses: rewritten.
        Assert.That(updates.Select(u => u.Resource.Name), Is.EquivalentTo(new[] { "mine", "done" }));
        Assert.That(updates.Single(u => u.Resource.Name == "mine").Desired.Single().Ip, Is.EqualTo("192.0.2.1"));
    }

    [Test]
    public void A_published_load_balancer_service_is_copied_and_an_equal_status_is_not_written_again()
    {
        var updates = Compute(new IngressEndpoint(null, null, "infra/gateway"), out var problem);
        Assert.That(problem, Is.Null);
        // "done" already has the same hostname and ip (other order): nothing to write (isLoadBalancerIngressEquals).
        Assert.That(updates.Select(u => u.Resource.Name), Is.EqualTo(new[] { "mine" }));
        Assert.That(updates[0].Desired.Select(i => i.Ip ?? i.Hostname), Is.EqualTo(new[] { "203.0.113.7", "lb.example.com" }));
    }

    [Test]
    public void A_published_cluster_ip_service_gives_its_external_ips_with_ports()
    {
        var updates = Compute(new IngressEndpoint(null, null, "infra/internal"), out _);
        var desired = updates.Single(u => u.Resource.Name == "mine").Desired.Single();
        Assert.That(desired.Ip, Is.EqualTo("198.51.100.1"));
        Assert.That(desired.Ports!.Single().Port, Is.EqualTo(80));
    }

    [TestCase("infra/missing", "not found")]
    [TestCase("no-slash", "namespace/name")]
    public void A_bad_published_service_writes_nothing_and_says_why(string published, string reason)
    {
        Assert.That(Compute(new IngressEndpoint(null, null, published), out var problem), Is.Empty);
        Assert.That(problem, Does.Contain(reason));
    }

    [Test]
    public void Without_ingress_endpoint_nothing_is_written()
    {
        Assert.That(Compute(null, out var problem), Is.Empty);
        Assert.That(problem, Is.Null);
    }
}
