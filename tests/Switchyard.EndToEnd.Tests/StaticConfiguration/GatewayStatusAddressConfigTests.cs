using Switchyard.Configuration;
using Switchyard.Kubernetes;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>
/// providers.kubernetesGateway.statusAddress (Traefik's StatusAddress, pkg/provider/kubernetes/gateway/kubernetes.go):
/// ip, else hostname, else service {name, namespace}; nothing set, half a service, or a value that is no address is a
/// config error (Traefik: "empty Gateway status address configuration" at every load), so `validate` refuses it too.
/// </summary>
[CancelAfter(10_000)]
public class GatewayStatusAddressConfigTests
{
    [TestCase("{ip: 203.0.113.7}", "203.0.113.7", null, null, null)]
    [TestCase("{ip: \"2001:db8::7\", hostname: lb.example.com}", "2001:db8::7", null, null, null)]
    [TestCase("{hostname: lb.example.com}", null, "lb.example.com", null, null)]
    [TestCase("{service: {name: switchyard, namespace: infra}}", null, null, "infra", "switchyard")]
    public void Each_form_is_read_and_the_ip_wins_as_in_Traefik(string statusAddress, string? ip, string? hostname, string? ns, string? name) =>
        Assert.That(Load(statusAddress).GatewayStatusAddress, Is.EqualTo(new GatewayStatusAddress(ip, hostname, ns, name)));

    [Test]
    public void Without_statusAddress_the_addresses_are_not_managed() =>
        Assert.That(Load(null).GatewayStatusAddress, Is.Null);

    [TestCase("{}", "statusAddress: ip, hostname or service (name and namespace) is required")]
    [TestCase("{service: {name: switchyard}}", "statusAddress.service: both name and namespace are required")]
    [TestCase("{ip: 203.0.113.0/24}", "statusAddress.ip: '203.0.113.0/24' is not an IPv4 or IPv6 address")]
    [TestCase("{ip: lb.example.com}", "statusAddress.ip: 'lb.example.com' is not an IPv4 or IPv6 address")]
    [TestCase("{hostname: \"not a name\"}", "statusAddress.hostname: 'not a name' is not a DNS name")]
    public void An_unusable_statusAddress_is_refused_by_name(string statusAddress, string expected)
    {
        var error = Assert.Throws<StaticConfigException>(() => Load(statusAddress))!.Message;
        Assert.That(error, Does.Contain("providers.kubernetesGateway." + expected));
    }

    private static LoadedStaticConfig Load(string? statusAddress)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-gateway-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "switchyard.yaml");
            File.WriteAllText(path, $$"""
                entryPoints:
                  web: {address: "127.0.0.1:0"}
                providers:
                  kubernetesGateway:
                    enabled: true
                {{(statusAddress is null ? "" : "    statusAddress: " + statusAddress)}}
                """);
            return StaticConfigLoader.Load(path);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
