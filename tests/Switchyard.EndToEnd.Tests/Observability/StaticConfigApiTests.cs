using Switchyard.Configuration;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>api in switchyard.yaml: Traefik's keys (dashboard, insecure, debug, disableDashboardAd), read strictly.</summary>
[CancelAfter(10_000)]
public class StaticConfigApiTests
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
    public void WithoutApi_TheApiIsOff()
    {
        Assert.That(Load(EntryPoints).Api, Is.Null);
    }

    [Test]
    public void AnEmptyApiSection_TakesTraefiksDefaults()
    {
        var api = Load(EntryPoints + "api: {}\n").Api!;
        Assert.Multiple(() =>
        {
            Assert.That(api.Dashboard, Is.True, "Traefik's default");
            Assert.That(api.Insecure, Is.False);
            Assert.That(api.Debug, Is.False);
            Assert.That(api.Providers, Is.EqualTo(new[] { "File" }));
        });
    }

    [Test]
    public void EveryKey_IsRead()
    {
        var api = Load(EntryPoints + "api:\n  dashboard: false\n  insecure: true\n  debug: true\n  disableDashboardAd: true\n").Api!;
        Assert.Multiple(() =>
        {
            Assert.That(api.Dashboard, Is.False);
            Assert.That(api.Insecure, Is.True);
            Assert.That(api.Debug, Is.True);
        });
    }

    [Test]
    public void InsecureWithoutAnAdminEntryPoint_IsAnError()
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\napi:\n  insecure: true\n"));
        Assert.That(ex!.Message, Does.Contain("api.insecure").And.Contain("no admin entry point"));
    }

    [Test]
    public void BasePath_IsRead_AndAPathThatIsNotAbsoluteIsAnError()
    {
        var api = Load(EntryPoints + "api:\n  basePath: /traefik\n").Api!;
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + "api:\n  basePath: traefik\n"));
        Assert.Multiple(() =>
        {
            Assert.That(api.BasePath, Is.EqualTo("/traefik"));
            Assert.That(Load(EntryPoints + "api: {}\n").Api!.BasePath, Is.EqualTo("/"), "Traefik's default");
            Assert.That(ex!.Message, Does.Contain("api.basePath: 'traefik' is not an absolute URL path"));
        });
    }

    private static LoadedStaticConfig Load(string yaml) => StaticConfigMetricsTests.Load(yaml);
}
