using Switchyard.Configuration;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>dataPlane in switchyard.yaml: Switchyard's own keys (Traefik has no such section), read strictly.</summary>
[CancelAfter(10_000)]
public class DataPlaneConfigTests
{
    [Test]
    public void Http2Upstream_IsOnUnlessConfiguredOff()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Load(Web).Raw.DataPlane.Http2Upstream, Is.True);
            Assert.That(Load(Web + "dataPlane: {http2Upstream: false}\n").Raw.DataPlane.Http2Upstream, Is.False);
            Assert.That(Load(Web + "dataPlane: {http2Upstream: true}\n").Raw.DataPlane.Http2Upstream, Is.True);
        });
    }

    [Test]
    public void AMisspelledKey_IsAnErrorNamingIt()
    {
        var e = Assert.Throws<StaticConfigException>(() => Load(Web + "dataPlane: {http2Upstrem: true}\n"));
        Assert.That(e!.Message, Does.Contain("http2Upstrem").And.Contain("did you mean 'http2Upstream'"));
    }

    [Test]
    public void ANonBooleanValue_IsAnErrorNamingTheKey()
    {
        var e = Assert.Throws<StaticConfigException>(() => Load(Web + "dataPlane: {http2Upstream: sometimes}\n"));
        Assert.That(e!.Message, Does.Contain("dataPlane.http2Upstream"));
    }

    private const string Web = "entryPoints: {web: {address: \"127.0.0.1:0\"}}\n";

    private static LoadedStaticConfig Load(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-dataplane-config-");
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
