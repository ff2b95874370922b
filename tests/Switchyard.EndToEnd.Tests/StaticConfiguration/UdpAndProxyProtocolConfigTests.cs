using Switchyard.Configuration;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>
/// Traefik's "address/udp" entry points with their udp.timeout, and entryPoints.*.proxyProtocol (insecure,
/// trustedIPs); pkg/config/static/entrypoints.go.
/// </summary>
[CancelAfter(10_000)]
public class UdpAndProxyProtocolConfigTests
{
    [Test]
    public void AnAddressEndingInUdp_IsAUdpEntryPoint_WithItsTimeout_AndNotADefaultForHttpRoutes()
    {
        var loaded = Load("""
            entryPoints:
              web: {address: "127.0.0.1:0"}
              dns:
                address: "127.0.0.1:0/udp"
                udp: {timeout: 5s, maxSessions: 50}
              tcp: {address: "127.0.0.1:0/tcp"}
            """);
        var dns = loaded.EntryPoints.Single(e => e.Name == "dns");
        Assert.Multiple(() =>
        {
            Assert.That(dns.Udp, Is.EqualTo(new Switchyard.DataPlane.Udp.UdpEntryPointSettings(TimeSpan.FromSeconds(5), 50)));
            Assert.That(loaded.EntryPoints.Single(e => e.Name == "tcp").Udp, Is.Null);
            Assert.That(loaded.Provider.DefaultEntryPoints, Is.EquivalentTo(new[] { "tcp", "web" }), "Traefik never defaults a router to a UDP entry point");
            Assert.That(loaded.Provider.UdpEntryPoints, Is.EquivalentTo(new[] { "dns" }));
        });
    }

    [Test]
    public void TheDefaultTimeout_IsTraefiks3s()
    {
        var loaded = Load("entryPoints:\n  dns: {address: \"127.0.0.1:0/udp\"}\n");
        Assert.That(loaded.EntryPoints[0].Udp!.Timeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [TestCase("127.0.0.1:0/sctp", "'sctp' is not a protocol (tcp or udp)")]
    [TestCase("127.0.0.1:0/udp\n    udp: {timeout: 0s}", "udp.timeout: must be greater than zero")]
    [TestCase("127.0.0.1:0/udp\n    admin: true", "a UDP entry point serves IngressRouteUDP only")]
    public void BadUdpSettings_AreRefusedByName(string address, string expected)
    {
        var error = Assert.Throws<StaticConfigException>(() => Load($"entryPoints:\n  dns:\n    address: {address}\n"))!.Message;
        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public void TrustedIPsAndInsecure_AreRead_AndAnAbsentBlockLeavesItOff()
    {
        var loaded = Load("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                proxyProtocol: {trustedIPs: [10.0.0.0/8, 192.168.1.7]}
              open:
                address: "127.0.0.1:0"
                proxyProtocol: {insecure: true}
              plain: {address: "127.0.0.1:0"}
            """);
        var web = loaded.EntryPoints.Single(e => e.Name == "web").ProxyProtocol!;
        Assert.Multiple(() =>
        {
            Assert.That(web.TrustedIPs.Select(n => n.ToString()), Is.EqualTo(new[] { "10.0.0.0/8", "192.168.1.7/32" }));
            Assert.That(web.Insecure, Is.False);
            Assert.That(loaded.EntryPoints.Single(e => e.Name == "open").ProxyProtocol!.Insecure, Is.True);
            Assert.That(loaded.EntryPoints.Single(e => e.Name == "plain").ProxyProtocol, Is.Null);
        });
    }

    [Test]
    public void ABadTrustedIP_IsNamedByItsIndex()
    {
        var error = Assert.Throws<StaticConfigException>(() => Load("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                proxyProtocol: {trustedIPs: [10.0.0.0/8, not-an-ip]}
            """))!.Message;
        Assert.That(error, Does.Contain("entryPoints.web.proxyProtocol.trustedIPs[1]"));
    }

    private static LoadedStaticConfig Load(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-udp-config-");
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
