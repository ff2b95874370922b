using Switchyard.Configuration;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>
/// switchyard.yaml speaks Traefik's static configuration: every Traefik v3.7 key is implemented or refused by
/// name, and a misspelt key is reported with its key path, a did-you-mean and file:line:col (issue 16 item 7).
/// </summary>
[CancelAfter(10_000)]
public class StaticConfigKeyTests
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
    public void AMisspeltKey_IsNamedByItsPath_WithADidYouMean_AndItsLine()
    {
        var message = LoadError("""
            entryPoints:
              web:
                address: ":8000"
                transport:
                  respondingTimeouts:
                    readHeaderTimout: 5s
            """);
        Assert.That(message, Does.Contain(
            "entryPoints.web.transport.respondingTimeouts: unknown key 'readHeaderTimout' (did you mean 'readHeaderTimeout'?) at ")
            .And.Contain("switchyard.yaml:6:"));
        Assert.That(message, Does.Not.Contain("Switchyard.Configuration").And.Not.Contain("Property"));
    }

    [Test]
    public void AKeyInTheWrongCase_IsSuggestedWithItsCase()
    {
        var message = LoadError(EntryPoints + "Providers: {}\n");
        Assert.That(message, Does.Contain("unknown key 'Providers' (did you mean 'providers'?)"));
    }

    [Test]
    public void ATraefikOptionNotImplemented_IsRefusedByName()
    {
        var message = LoadError(EntryPoints + """
            providers:
              docker:
                endpoint: unix:///var/run/docker.sock
            """);
        Assert.That(message, Does.Contain("Traefik option providers.docker is not supported by Switchyard at ")
            .And.Contain("switchyard.yaml:8:3"));
    }

    [Test]
    public void EveryFinding_IsReportedAtOnce_AndAValueOfTheWrongKind_IsNamed()
    {
        var message = LoadError("""
            entryPoints:
              web:
                address: ":8000"
                http2:
                  maxConcurrentStreams: lots
              admin:
                address: ":9000"
                admin: maybe
            logg: {}
            """);
        Assert.That(message, Does.Contain("entryPoints.web.http2.maxConcurrentStreams: 'lots' is not a whole number at ")
            .And.Contain("entryPoints.admin.admin: 'maybe' is not true or false at ")
            .And.Contain("unknown key 'logg' (did you mean 'log'?)"));
    }

    [Test]
    public void ProvidersFileWatch_IsRead()
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-static-keys-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "m"));
            var path = Path.Combine(dir.FullName, "switchyard.yaml");
            File.WriteAllText(path, EntryPoints + "providers:\n  file:\n    directory: m\n    watch: false\n");
            Assert.That(StaticConfigLoader.Load(path).WatchManifests, Is.False);
            File.WriteAllText(path, EntryPoints + "providers:\n  file:\n    directory: m\n");
            Assert.That(StaticConfigLoader.Load(path).WatchManifests, Is.True);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void EveryTraefikStaticKey_IsImplementedOrRefusedByName()
    {
        var unrecognised = TraefikKeys().Where(k => Resolve(k) == Recognition.Unknown).ToList();
        Assert.That(unrecognised, Is.Empty,
            "implement these keys in StaticConfig.cs or add them to TraefikStaticKeysNotSupported.cs");
    }

    [Test]
    public void NoKeyIsBothImplementedAndListedAsNotSupported()
    {
        var both = TraefikStaticKeysNotSupported.Keys.Where(k => Resolve(k, ignoreList: true) == Recognition.Implemented).ToList();
        Assert.That(both, Is.Empty, "these keys are implemented now: delete their lines from TraefikStaticKeysNotSupported.cs");
    }

    [Test]
    public void TheListNamesOnlyTraefikKeys()
    {
        var keys = TraefikKeys().ToList();
        var strangers = TraefikStaticKeysNotSupported.Keys
            .Where(listed => !keys.Any(k => k == listed || k.StartsWith(listed + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.That(strangers, Is.Empty, "not keys of Traefik's static configuration (typo in the list?)");
    }

    private enum Recognition { Implemented, NotSupported, Unknown }

    /// <summary>Follows a key pattern through the StaticConfig classes, as StaticConfigKeyCheck does for a file.</summary>
    private static Recognition Resolve(string key, bool ignoreList = false)
    {
        var type = typeof(Switchyard.Configuration.StaticConfig);
        var segments = key.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!ignoreList && TraefikStaticKeysNotSupported.Keys.Contains(string.Join('.', segments[..(i + 1)])))
            {
                return Recognition.NotSupported;
            }

            var (shape, element) = StaticConfigKeyCheck.ShapeOf(type);
            switch (shape)
            {
                case StaticConfigKeyCheck.Shape.Any:
                    return Recognition.Implemented;
                case StaticConfigKeyCheck.Shape.Names when segments[i] == "*":
                case StaticConfigKeyCheck.Shape.List when segments[i] == "[]":
                    type = element;
                    continue;
                case StaticConfigKeyCheck.Shape.Object when StaticConfigKeyCheck.Properties(element).TryGetValue(segments[i], out var property):
                    type = property;
                    continue;
                default:
                    return Recognition.Unknown;
            }
        }

        return Recognition.Implemented;
    }

    private static IEnumerable<string> TraefikKeys() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "StaticConfiguration", "traefik-v3.7-static-keys.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static string LoadError(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-static-keys-");
        try
        {
            var path = Path.Combine(dir.FullName, "switchyard.yaml");
            File.WriteAllText(path, yaml);
            return Assert.Throws<StaticConfigException>(() => StaticConfigLoader.Load(path))!.Message;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
