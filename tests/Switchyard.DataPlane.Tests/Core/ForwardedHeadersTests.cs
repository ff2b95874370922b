using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Model;
using Switchyard.Routing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// Forwarded headers as Traefik's entry point sets them (pkg/middlewares/forwardedheaders): before routing, a
/// peer's X-Forwarded-* are dropped unless it is trusted, middlewares may then change them, and the backend gets
/// what they left with the peer appended to X-Forwarded-For.
/// </summary>
[CancelAfter(60_000)]
public class ForwardedHeadersTests
{
    [Test]
    public async Task SeedScenario_BackendReceivesTheHeadersMiddlewaresXForwardedProto()
    {
        await using var backend = await GrpcTestBackend.StartAsync("seed", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync();
        gw.Apply(CompileSeed(backend.Port));

        // The CreateUser route of config/manifests: grpcWeb, rateLimit, then headers (X-Forwarded-Proto: https).
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{gw.Web.Port}/mypackage.UserService/CreateUser")
        {
            Content = new StringContent("x"),
        };
        request.Headers.Host = "grpc.localhost";
        using var response = await http.SendAsync(request);
        var echoed = HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(echoed["x-forwarded-proto"], Is.EqualTo("https"), "the headers middleware's value, not the entry point's");
            Assert.That(echoed["x-forwarded-for"], Is.EqualTo("127.0.0.1"));
            Assert.That(echoed["x-forwarded-host"], Is.EqualTo("grpc.localhost"));
            Assert.That(echoed["x-forwarded-port"], Is.EqualTo("80"), "Traefik: the Host's port, else 80 for http");
        });
    }

    [Test]
    public async Task TrustedPeer_KeepsAndAppends_UntrustedPeer_IsReplaced()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        var table = Table([Router("all", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) });

        await using var trusting = await Gateway.StartAsync(web => web with
        {
            ForwardedHeaders = new ForwardedHeadersOptions { TrustedIPs = [System.Net.IPNetwork.Parse("127.0.0.0/8")] },
        });
        trusting.Apply(table);
        var kept = await SendForwardedAsync(trusting.Web.Port);

        await using var distrusting = await Gateway.StartAsync(web => web with
        {
            ForwardedHeaders = new ForwardedHeadersOptions { TrustedIPs = [System.Net.IPNetwork.Parse("10.0.0.0/8")] },
        });
        distrusting.Apply(table);
        var replaced = await SendForwardedAsync(distrusting.Web.Port);

        Assert.Multiple(() =>
        {
            Assert.That(kept["x-forwarded-for"], Is.EqualTo("203.0.113.7, 10.0.0.1, 127.0.0.1"), "both lines folded, the peer appended");
            Assert.That(kept["x-forwarded-proto"], Is.EqualTo("https"));
            Assert.That(kept["x-forwarded-host"], Is.EqualTo("public.example"));
            Assert.That(kept["x-forwarded-port"], Is.EqualTo("443"));
            Assert.That(kept["x-real-ip"], Is.EqualTo("203.0.113.7"));

            Assert.That(replaced["x-forwarded-for"], Is.EqualTo("127.0.0.1"));
            Assert.That(replaced["x-forwarded-proto"], Is.EqualTo("http"));
            Assert.That(replaced["x-forwarded-host"], Is.EqualTo("app.example:8080"));
            Assert.That(replaced["x-forwarded-port"], Is.EqualTo("8080"), "the Host's port");
            Assert.That(replaced["x-real-ip"], Is.EqualTo("127.0.0.1"));
            Assert.That(replaced.ContainsKey("x_forwarded_proto"), Is.False, "underscore spellings are dropped too");
        });
    }

    [Test]
    public async Task Insecure_TrustsEveryPeer_AndNotAppendXForwardedForLeavesTheListAsSent()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync(web => web with
        {
            ForwardedHeaders = new ForwardedHeadersOptions { Insecure = true, NotAppendXForwardedFor = true },
        });
        gw.Apply(Table([Router("all", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        var seen = await SendForwardedAsync(gw.Web.Port);

        Assert.Multiple(() =>
        {
            Assert.That(seen["x-forwarded-for"], Is.EqualTo("203.0.113.7, 10.0.0.1"));
            Assert.That(seen["x-forwarded-proto"], Is.EqualTo("https"));
        });
    }

    private static async Task<Dictionary<string, string>> SendForwardedAsync(int port)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/x");
        request.Headers.Host = "app.example:8080";
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "public.example");
        request.Headers.Add("X-Forwarded-Port", "443");
        request.Headers.Add("X-Real-Ip", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X_Forwarded_Proto", "https");
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());
    }

    // The seed manifests as shipped, with the demo backends' ports pointed at the test backend.
    private static RoutingTable CompileSeed(int backendPort)
    {
        var folder = Path.Combine(RepoRoot(), "config", "manifests");
        var files = ManifestLoader.EnumerateManifestFiles(folder)
            .Select(f => ManifestLoader.ParseText(Regex.Replace(File.ReadAllText(f), @"\b5005[12]\b", backendPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), f));
        var result = RoutingCompiler.Compile(ManifestLoader.Build(files));
        Assert.That(result.Table.Routers.Select(r => r.Name), Has.Some.Contains("user-service"));
        return result.Table;
    }

    private static string RepoRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));
}
