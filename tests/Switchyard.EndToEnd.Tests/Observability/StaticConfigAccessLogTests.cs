using Switchyard.Configuration;
using Switchyard.DataPlane.AccessLog;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>accessLog in switchyard.yaml: Traefik's keys and defaults, read strictly.</summary>
[CancelAfter(10_000)]
public class StaticConfigAccessLogTests
{
    private const string EntryPoints = """
        entryPoints:
          web:
            address: "127.0.0.1:0"

        """;

    [Test]
    public void WithoutAccessLog_AccessLogsAreOff() => Assert.That(Load(EntryPoints).AccessLog, Is.Null);

    [Test]
    public void AnEmptySection_IsTraefiksDefault_CommonToStdout()
    {
        var options = Load(EntryPoints + "accessLog: {}\n").AccessLog!;
        Assert.Multiple(() =>
        {
            Assert.That(options.FilePath, Is.Null);
            Assert.That(options.Format, Is.EqualTo(AccessLogFormat.Common));
            Assert.That(options.HeadersDefault, Is.EqualTo(HeaderMode.Drop));
            Assert.That(options.KeepFieldsByDefault, Is.True);
        });
    }

    [Test]
    public void EveryKey_IsRead()
    {
        var options = Load(EntryPoints + """
            accessLog:
              filePath: logs/access.log
              format: json
              bufferingSize: 50
              addInternals: true
              filters:
                statusCodes: ["200", "500-599"]
                retryAttempts: true
                minDuration: 10ms
              fields:
                defaultMode: drop
                names:
                  RequestPath: keep
                headers:
                  defaultMode: keep
                  names:
                    Authorization: redact
                    Cookie: drop
                queryParameters:
                  defaultMode: drop
            """, out var dir).AccessLog!;
        Assert.Multiple(() =>
        {
            Assert.That(options.FilePath, Is.EqualTo(Path.Combine(dir, "logs", "access.log")));
            Assert.That(options.Format, Is.EqualTo(AccessLogFormat.Json));
            Assert.That(options.BufferingSize, Is.EqualTo(50));
            Assert.That(options.AddInternals, Is.True);
            Assert.That(options.StatusCodes, Is.EqualTo(new[] { (200, 200), (500, 599) }));
            Assert.That(options.RetryAttempts, Is.True);
            Assert.That(options.MinDuration, Is.EqualTo(TimeSpan.FromMilliseconds(10)));
            Assert.That(options.KeepFieldsByDefault, Is.False);
            Assert.That(options.FieldModes["requestpath"], Is.True);
            Assert.That(options.HeadersDefault, Is.EqualTo(HeaderMode.Keep));
            Assert.That(options.HeaderModes["authorization"], Is.EqualTo(HeaderMode.Redact));
            Assert.That(options.HeaderModes["Cookie"], Is.EqualTo(HeaderMode.Drop));
            Assert.That(options.KeepQueryParameters, Is.False);
        });
    }

    [TestCase("accessLog:\n  format: xml\n", "accessLog.format: 'xml' is not one of common, genericCLF, json")]
    [TestCase("accessLog:\n  filters:\n    statusCodes: [\"5xx\"]\n", "accessLog.filters.statusCodes[0]: '5xx'")]
    [TestCase("accessLog:\n  filters:\n    minDuration: soon\n", "accessLog.filters.minDuration: 'soon'")]
    [TestCase("accessLog:\n  fields:\n    headers:\n      defaultMode: hide\n", "accessLog.fields.headers.defaultMode: 'hide' is not keep, drop or redact")]
    public void BadValues_AreErrorsNamingTheKey(string yaml, string message)
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + yaml));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    internal static LoadedStaticConfig Load(string yaml) => Load(yaml, out _);

    internal static LoadedStaticConfig Load(string yaml, out string dir)
    {
        dir = Directory.CreateTempSubdirectory("switchyard-static-").FullName;
        try
        {
            var path = Path.Combine(dir, "switchyard.yaml");
            File.WriteAllText(path, yaml);
            return StaticConfigLoader.Load(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
