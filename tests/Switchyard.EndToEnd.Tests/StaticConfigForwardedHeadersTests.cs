using Switchyard.Configuration;

namespace Switchyard.EndToEnd.Tests;

/// <summary>entryPoints.NAME.forwardedHeaders in switchyard.yaml: Traefik's keys, read strictly.</summary>
[CancelAfter(10_000)]
public class StaticConfigForwardedHeadersTests
{
    [Test]
    public void TraefiksKeys_ReachTheEntryPoint()
    {
        var web = Load("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                forwardedHeaders:
                  trustedIPs: ["10.0.0.0/8", "192.168.1.7"]
                  notAppendXForwardedFor: true
                  addXForwardedSchemeHeaders: true
              edge:
                address: "127.0.0.1:0"
                forwardedHeaders:
                  insecure: true
            """);
        Assert.Multiple(() =>
        {
            var fh = web.EntryPoints.Single(e => e.Name == "web").ForwardedHeaders;
            Assert.That(fh.TrustedIPs.Select(n => n.ToString()), Is.EqualTo(new[] { "10.0.0.0/8", "192.168.1.7/32" }), "parsed once, by the static config loader");
            Assert.That(fh.Insecure, Is.False);
            Assert.That(fh.NotAppendXForwardedFor, Is.True);
            Assert.That(fh.AddXForwardedSchemeHeaders, Is.True);
            Assert.That(web.EntryPoints.Single(e => e.Name == "edge").ForwardedHeaders.Insecure, Is.True);
        });
    }

    [Test]
    public void ABadTrustedIp_IsAnErrorNamingTheKey()
    {
        var e = Assert.Throws<StaticConfigException>(() => Load("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                forwardedHeaders:
                  trustedIPs: ["10.0.0.0/33"]
            """));
        Assert.That(e!.Message, Does.Contain("entryPoints.web.forwardedHeaders.trustedIPs"));
    }

    private static LoadedStaticConfig Load(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-fh-config-");
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
