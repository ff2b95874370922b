using System.Net;
using System.Text.Json.Nodes;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>`switchyard run` with api.insecure: Traefik's API on the admin entry point, with the compile's diagnostics.</summary>
[CancelAfter(120_000)]
public class ApiRunTests
{
    [Test]
    public async Task Run_ServesRoutersWithStatus_AndABrokenRouteWithItsFileAndLine()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var run = await ApiRunHarness.StartAsync(backend.Port);

        JsonArray routers = [];
        await Wait.UntilAsync(async () => (routers = await GetAsync(run.Admin, "/api/http/routers") as JsonArray ?? []).Count == 3,
            TimeSpan.FromSeconds(20), () => $"three routers; output:\n{run.Output}");
        var echo = routers.Single(r => ((string?)r!["name"])!.StartsWith("default-echo-", StringComparison.Ordinal))!;
        var broken = routers.Single(r => (string?)r!["name"] == "default-broken@kubernetescrd")!;
        var overview = await GetAsync(run.Admin, "/api/overview");
        Assert.Multiple(() =>
        {
            Assert.That((string?)echo["status"], Is.EqualTo("enabled"));
            Assert.That((string?)echo["provider"], Is.EqualTo("kubernetescrd"));
            Assert.That((string?)broken["status"], Is.EqualTo("disabled"));
            Assert.That(broken["error"]!.AsArray().Select(e => (string?)e), Has.Some.Contains("missing"));
            Assert.That((string?)broken["diagnostics"]![0]!["location"], Does.Contain("broken.yaml:"), "file:line of the finding");
            Assert.That((int?)overview["http"]!["routers"]!["errors"], Is.EqualTo(1));
            Assert.That((string?)overview["features"]!["metrics"], Is.EqualTo("Prometheus"));
            Assert.That(overview["providers"]!.AsArray().Select(p => (string?)p), Is.EqualTo(new[] { "File" }));
        });
    }

    internal static async Task<JsonNode> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {text}");
        return JsonNode.Parse(text)!;
    }
}
