using Switchyard.Kubernetes.Status;
using Switchyard.Model;
using Switchyard.Model.GatewayApi;
using Switchyard.Routing;

namespace Switchyard.Kubernetes.Tests.Status;

/// <summary>
/// status.addresses of our Gateways from statusAddress (Traefik's gatewayAddresses): the ip, else the hostname, else
/// the published Service's load-balancer entries (IP, else hostname); and when the current addresses are kept.
/// </summary>
public sealed class GatewayStatusAddressesTests
{
    private static readonly ClusterSnapshot Snapshot = ManifestLoader.LoadText("""
        apiVersion: v1
        kind: Service
        metadata: {name: published, namespace: infra}
        spec:
          type: LoadBalancer
          ports: [{name: web, port: 80}]
        status:
          loadBalancer:
            ingress: [{ip: 203.0.113.7, hostname: ignored.example.com}, {hostname: lb.example.com}, {ports: [{port: 80, protocol: TCP}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: pending, namespace: infra}
        spec:
          type: LoadBalancer
          ports: [{name: web, port: 80}]
        """, "addresses.yaml");

    private static string[]? Desired(GatewayStatusAddress? config, out string? problem) =>
        GatewayStatusAddresses.Desired(Snapshot, config, out problem)?.Select(a => $"{a.Type}={a.Value}").ToArray();

    [Test]
    public void The_ip_wins_over_the_hostname_and_the_service()
    {
        Assert.That(Desired(new("192.0.2.1", "gw.example.com", "infra", "published"), out var problem), Is.EqualTo(new[] { "IPAddress=192.0.2.1" }));
        Assert.That(problem, Is.Null);
    }

    [Test]
    public void A_hostname_wins_over_the_service() =>
        Assert.That(Desired(new(null, "gw.example.com", "infra", "published"), out _), Is.EqualTo(new[] { "Hostname=gw.example.com" }));

    [Test]
    public void The_services_load_balancer_entries_are_copied_ip_first_and_an_empty_entry_is_skipped()
    {
        Assert.That(Desired(new(null, null, "infra", "published"), out var problem), Is.EqualTo(new[] { "IPAddress=203.0.113.7", "Hostname=lb.example.com" }));
        Assert.That(problem, Is.Null);
    }

    [Test]
    public void A_service_without_a_load_balancer_address_yet_publishes_none() =>
        Assert.That(Desired(new(null, null, "infra", "pending"), out _), Is.Empty);

    [TestCase("infra", "missing", "statusAddress.service infra/missing not found")]
    [TestCase("elsewhere", "published", "statusAddress.service elsewhere/published not found")]
    [TestCase(null, "published", "name and namespace")]
    public void An_unreadable_service_leaves_the_addresses_as_they_are_and_says_why(string? ns, string name, string reason)
    {
        Assert.That(Desired(new(null, null, ns, name), out var problem), Is.Null);
        Assert.That(problem, Does.Contain(reason));
    }

    [Test]
    public void Without_statusAddress_nothing_is_managed()
    {
        Assert.That(Desired(null, out var problem), Is.Null);
        Assert.That(problem, Is.Null);
    }

    [Test]
    public void What_a_gateway_should_carry_keeps_its_addresses_when_unmanaged_and_clears_them_when_none_are_published()
    {
        IReadOnlyList<GatewayAddress> current = [new GatewayAddress { Type = "IPAddress", Value = "198.51.100.9" }];
        IReadOnlyList<GatewayAddress> published = [new GatewayAddress { Type = "Hostname", Value = "lb.example.com" }];
        Assert.Multiple(() =>
        {
            Assert.That(GatewayStatusAddresses.For(null, current), Is.SameAs(current), "unmanaged or unreadable: kept");
            Assert.That(GatewayStatusAddresses.For(published, current), Is.SameAs(published));
            Assert.That(GatewayStatusAddresses.For([], current), Is.Empty, "the Service lost its address: cleared");
            Assert.That(GatewayStatusAddresses.For([], null), Is.Null, "none wanted and none there: left absent, no write");
        });
    }
}
