using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Configuration;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model;
using Switchyard.Routing;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>
/// entryPoints.NAME.observability: the switches a router leaves unset come from its entry point (Traefik's
/// pkg/provider/traefik/internal.go entryPointModels and pkg/server/aggregator.go applyModel), checked on the lines
/// a real data plane writes for real calls.
/// </summary>
[CancelAfter(60_000)]
public class EntryPointObservabilityTests
{
    private const string Manifest = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          entryPoints: [web, quiet]
          routes:
            - kind: Rule
              match: Host(`app.test`)
              services: [{name: noop@internal, kind: TraefikService}]
            - kind: Rule
              match: Host(`loud.test`)
              observability: {accessLogs: true}
              services: [{name: noop@internal, kind: TraefikService}]
        """;

    [Test]
    public async Task ARouterTakesTheSwitchesItLeavesUnset_FromItsEntryPoint()
    {
        var loaded = StaticConfigAccessLogTests.Load("""
            entryPoints:
              web: {address: "127.0.0.1:0"}
              quiet:
                address: "127.0.0.1:0"
                observability:
                  accessLogs: false
                  traceVerbosity: detailed
            """);
        var dir = Directory.CreateTempSubdirectory("switchyard-ep-observability-").FullName;
        var compiled = RoutingCompiler.Compile(ManifestLoader.LoadText(Manifest, "app.yaml"), loaded.Provider);
        var log = Path.Combine(dir, "access.log");
        try
        {
            var quietApp = compiled.Table.Routers.Single(r => r.EntryPoints.SequenceEqual(["quiet"]) && r.Rule.Contains("app.test", StringComparison.Ordinal));
            var webApp = compiled.Table.Routers.Single(r => r.EntryPoints.Contains("web") && r.Rule.Contains("app.test", StringComparison.Ordinal));
            Assert.Multiple(() =>
            {
                Assert.That(quietApp.Name, Does.StartWith("quiet-"), "a router on several entry points is split per entry point with a model, as in Traefik");
                Assert.That(quietApp.Observability, Is.EqualTo(new Routing.Table.ObservabilitySwitches(false, true, true, "detailed")));
                Assert.That(webApp.Observability, Is.Null, "web has no observability section");
            });

            await using var host = DataPlaneHost.Create(loaded.EntryPoints, NullLoggerFactory.Instance,
                accessLog: new AccessLogOptions { FilePath = log, Format = AccessLogFormat.Json });
            await host.StartAsync();
            host.Tables.Swap(compiled.Table);
            using var client = new HttpClient();
            foreach (var (entryPoint, hostName) in new[] { ("quiet", "app.test"), ("quiet", "loud.test"), ("web", "app.test") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{host.Endpoint(entryPoint).Port}/");
                request.Headers.Host = hostName;
                using var response = await client.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo((HttpStatusCode)418));
            }

            // Lines are written in call order: once web's is there, a line of the quiet app.test call would be too.
            await Wait.UntilAsync(() => Task.FromResult(host.AccessLog!.Written >= 2), TimeSpan.FromSeconds(10), "two access log lines");
            var lines = (await File.ReadAllLinesAsync(log)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.That(lines.Select(l => (l.GetProperty("entryPointName").GetString(), l.GetProperty("RequestHost").GetString())),
                Is.EqualTo(new[] { ("quiet", "loud.test"), ("web", "app.test") }),
                "quiet's accessLogs: false silences its router; the router that says accessLogs: true keeps its own");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("observability: {traceVerbosity: chatty}", "entryPoints.ep.observability.traceVerbosity: 'chatty' is not minimal or detailed")]
    [TestCase("admin: true\n    observability: {tracing: false}", "entryPoints.ep.observability: the admin entry point serves no routes")]
    public void ABadSection_IsAnErrorNamingTheKey(string entry, string expected)
    {
        var ex = Assert.Throws<StaticConfigException>(() => StaticConfigAccessLogTests.Load($"""
            entryPoints:
              ep:
                address: "127.0.0.1:0"
                {entry}
            """));
        Assert.That(ex!.Message, Does.Contain(expected));
    }
}
