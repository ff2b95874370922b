using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Switchyard.DataPlane.Api;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// Issue 18.4: Traefik's REST API shapes (pkg/api/handler*.go) on real sockets — the admin entry point with
/// api.insecure, and a route whose service is api@internal behind basicAuth — plus per-server health and diagnostics.
/// </summary>
[CancelAfter(60_000)]
public class ApiTests
{
    private static readonly ApiOptions Insecure = new() { Insecure = true, Providers = ["KubernetesCRD"] };

    [Test]
    public async Task Routers_HaveTraefiksShape_ListAndByName()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(api: Insecure);
        gw.Apply(Table(
            [Router("default-echo", "default-echo-80", rule: "Host(`echo.test`)", middlewares: ["default-strip"], priority: 17,
                tls: new RouterTls(null, "le", [], null, null))],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-strip"] = new StripPrefixConfig(["/api"], false) }));
        using var http = Admin(gw);

        var (list, headers) = await GetAsync(http, "/api/http/routers");
        var router = list.AsArray().Single()!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That((string?)router["name"], Is.EqualTo("default-echo@kubernetescrd"));
            Assert.That((string?)router["provider"], Is.EqualTo("kubernetescrd"));
            Assert.That((string?)router["rule"], Is.EqualTo("Host(`echo.test`)"));
            Assert.That((string?)router["service"], Is.EqualTo("default-echo-80"));
            Assert.That((string?)router["status"], Is.EqualTo("enabled"));
            Assert.That((int?)router["priority"], Is.EqualTo(17));
            Assert.That((string?)router["priorityStr"], Is.EqualTo("17"));
            Assert.That(router["entryPoints"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "web", "websecure" }));
            Assert.That(router["using"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "web", "websecure" }));
            Assert.That(router["middlewares"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "default-strip" }));
            Assert.That((string?)router["tls"]!["options"], Is.EqualTo("default"), "Traefik fills in the default TLS options' name");
            Assert.That((string?)router["tls"]!["certResolver"], Is.EqualTo("le"));
            Assert.That(headers.GetValues("X-Next-Page").Single(), Is.EqualTo("1"));
        });

        var (one, _) = await GetAsync(http, "/api/http/routers/default-echo@kubernetescrd");
        Assert.That(one.ToJsonString(), Is.EqualTo(router.ToJsonString()));
        using var missing = await http.GetAsync("/api/http/routers/nope@kubernetescrd");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"], Is.EqualTo("router not found: nope@kubernetescrd"));

        var (middleware, _) = await GetAsync(http, "/api/http/middlewares/default-strip@kubernetescrd");
        Assert.Multiple(() =>
        {
            Assert.That((string?)middleware["type"], Is.EqualTo("stripprefix"));
            Assert.That(middleware["stripPrefix"], Is.Not.Null, "the config under Traefik's key");
            Assert.That(middleware["usedBy"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "default-echo@kubernetescrd" }));
        });
    }

    [Test]
    public async Task Services_ShowEachServersHealth_AndOverviewCountsWarnings()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(api: Insecure);
        var closed = TestKit.Acme.PebbleServer.FreePort(); // nothing listens there
        var health = new HealthCheckConfig("grpc", null, "/", "GET", 0, null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(1), null, true, ImmutableSortedDictionary<string, string>.Empty, null);
        gw.Apply(Table([Router("good", "good-svc", Host("good.test")), Router("bad", "bad-svc")], new Dictionary<string, ServiceConfig>
        {
            ["good-svc"] = Lb("h2c", [backend.Address]),
            ["bad-svc"] = new LoadBalancerService([new ServerConfig("127.0.0.1", closed)], BalancerStrategy.Wrr, ServerScheme.H2c, true, "default",
                TimeSpan.FromMilliseconds(100), null, health, null),
        }));
        using var http = Admin(gw);

        JsonNode bad = null!;
        await Wait.UntilAsync(async () => (string?)(bad = (await GetAsync(http, "/api/http/services/bad-svc@kubernetescrd")).Body)["serverStatus"]?[$"h2c://127.0.0.1:{closed}"] == "DOWN",
            TimeSpan.FromSeconds(20), "the refused server to be DOWN");
        var (good, _) = await GetAsync(http, "/api/http/services/good-svc");
        var server = bad["serverHealth"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)bad["type"], Is.EqualTo("loadbalancer"));
            Assert.That(bad["loadBalancer"], Is.Not.Null);
            Assert.That((string?)bad["status"], Is.EqualTo("warning"));
            Assert.That((string?)server["active"], Is.EqualTo("unhealthy"));
            Assert.That((bool?)server["lastCheck"]!["healthy"], Is.False);
            Assert.That((string?)server["lastCheck"]!["detail"], Is.Not.Empty);
            Assert.That((string?)good["serverStatus"]![$"h2c://127.0.0.1:{backend.Port}"], Is.EqualTo("UP"));
            Assert.That((string?)good["status"], Is.EqualTo("enabled"));
            Assert.That(good["usedBy"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "good@kubernetescrd" }));
        });

        var (overview, _) = await GetAsync(http, "/api/overview");
        Assert.Multiple(() =>
        {
            Assert.That((int?)overview["http"]!["routers"]!["total"], Is.EqualTo(2));
            Assert.That((int?)overview["http"]!["services"]!["total"], Is.EqualTo(3), "two services and api@internal");
            Assert.That((int?)overview["http"]!["services"]!["warnings"], Is.EqualTo(1));
            Assert.That((string?)overview["features"]!["metrics"], Is.EqualTo(""));
            Assert.That(overview["providers"]!.AsArray().Select(p => (string?)p), Is.EqualTo(new[] { "KubernetesCRD" }));
        });
    }

    [Test]
    public async Task Lists_TakeTraefiksSearchStatusAndPagination_RawDataEntryPointsAndVersionAnswer()
    {
        await using var gw = await Gateway.StartAsync(api: Insecure);
        gw.Apply(Table([Router("alpha", "svc", rule: "Path(`/a`)"), Router("beta", "svc", rule: "Path(`/b`)"), Router("gamma", "other")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", []), ["other"] = Lb("h2c", []) }));
        using var http = Admin(gw);

        var (page1, h1) = await GetAsync(http, "/api/http/routers?per_page=2");
        var (page2, h2) = await GetAsync(http, "/api/http/routers?per_page=2&page=2");
        var (searched, _) = await GetAsync(http, "/api/http/routers?search=%2Fb");
        var (byService, _) = await GetAsync(http, "/api/http/routers?serviceName=other@kubernetescrd");
        var (descending, _) = await GetAsync(http, "/api/http/routers?sortBy=name&direction=desc");
        using var beyond = await http.GetAsync("/api/http/routers?per_page=2&page=5");
        Assert.Multiple(() =>
        {
            Assert.That(Names(page1), Is.EqualTo(new[] { "alpha@kubernetescrd", "beta@kubernetescrd" }));
            Assert.That(h1.GetValues("X-Next-Page").Single(), Is.EqualTo("2"));
            Assert.That(Names(page2), Is.EqualTo(new[] { "gamma@kubernetescrd" }));
            Assert.That(h2.GetValues("X-Next-Page").Single(), Is.EqualTo("1"));
            Assert.That(Names(searched), Is.EqualTo(new[] { "beta@kubernetescrd" }));
            Assert.That(Names(byService), Is.EqualTo(new[] { "gamma@kubernetescrd" }));
            Assert.That(Names(descending), Is.EqualTo(new[] { "gamma@kubernetescrd", "beta@kubernetescrd", "alpha@kubernetescrd" }));
            Assert.That(beyond.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });

        var (raw, _) = await GetAsync(http, "/api/rawdata");
        var (entryPoints, _) = await GetAsync(http, "/api/entrypoints");
        var (version, _) = await GetAsync(http, "/api/version");
        Assert.Multiple(() =>
        {
            Assert.That(raw["routers"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "alpha@kubernetescrd", "beta@kubernetescrd", "gamma@kubernetescrd" }));
            Assert.That(raw["services"]!.AsObject().Select(p => p.Key), Does.Contain("svc@kubernetescrd").And.Contain("api@internal"));
            Assert.That(Names(entryPoints), Is.EqualTo(new[] { "admin", "web", "websecure" }));
            Assert.That((string?)entryPoints[1]!["address"], Is.EqualTo($"127.0.0.1:0"), "the configured address, as in Traefik's static config");
            Assert.That((string?)version["Version"], Is.Not.Empty);
            Assert.That(DateTimeOffset.Parse((string)version["startDate"]!, System.Globalization.CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(DateTimeOffset.UtcNow));
        });
    }

    [Test]
    public async Task ApiInternal_AsARoutesService_SitsBehindItsBasicAuth_AndWithoutInsecureTheAdminHasNoApi()
    {
        await using var gw = await Gateway.StartAsync(api: new ApiOptions());
        gw.Apply(Table([Router("dashboard", ApiHandler.ServiceName, middlewares: ["default-auth"])], new Dictionary<string, ServiceConfig>(),
            middlewares: new Dictionary<string, MiddlewareConfig>
            {
                ["default-auth"] = new BasicAuthConfig([new BasicAuthUser("admin", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=")], "traefik", false, null),
            }));
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gw.Web.Port}") };
        using var anonymous = await web.GetAsync("/api/http/routers");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        web.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:secret"u8.ToArray()));
        var (routers, _) = await GetAsync(web, "/api/http/routers");
        var (service, _) = await GetAsync(web, "/api/http/services/api@internal");
        using var unknown = await web.GetAsync("/elsewhere");
        using var admin = Admin(gw);
        using var adminApi = await admin.GetAsync("/api/overview");
        Assert.Multiple(() =>
        {
            Assert.That(Names(routers), Is.EqualTo(new[] { "dashboard@kubernetescrd" }));
            Assert.That((string?)routers[0]!["service"], Is.EqualTo("api@internal"));
            Assert.That(service["usedBy"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "dashboard@kubernetescrd" }));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a path the API does not have");
            Assert.That(adminApi.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "api.insecure off: nothing on the admin entry point");
        });
    }

    [Test]
    public async Task BasePath_PutsTheApiAndDashboardUnderIt()
    {
        await using var gw = await Gateway.StartAsync(api: Insecure with { BasePath = "/traefik/", Debug = true });
        using var admin = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{gw.Admin.Port}") };
        var (version, _) = await GetAsync(admin, "/traefik/api/version");
        using var outside = await admin.GetAsync("/api/version");
        using var lookalike = await admin.GetAsync("/traefikx/api/version");
        using var root = await admin.GetAsync("/traefik");
        using var page = await admin.GetAsync("/traefik/dashboard/");
        using var vars = await admin.GetAsync("/traefik/debug/vars");
        var (memory, _) = await GetAsync(admin, "/traefik/debug/vars");
        Assert.Multiple(() =>
        {
            Assert.That((string?)version["Version"], Is.Not.Null.And.Not.Empty);
            Assert.That(outside.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the API is only under the base path");
            Assert.That(lookalike.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a prefix of a segment is not the base path");
            Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(root.Headers.Location?.ToString(), Is.EqualTo("/traefik/dashboard/"));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(vars.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            // Zero until the process's first collection, so only its presence is asserted.
            Assert.That((long?)memory["gc"]?["committedBytes"], Is.GreaterThanOrEqualTo(0), "what the GC holds committed");
            Assert.That(memory["gc"]?["generations"]?.AsArray().Count, Is.GreaterThanOrEqualTo(3), "gen0, gen1, gen2 (and LOH, POH)");
        });
    }

    [Test]
    public async Task ApiInternal_WithTheApiOff_AnswersNotFound()
    {
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("dashboard", ApiHandler.ServiceName)], new Dictionary<string, ServiceConfig>()));
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gw.Web.Port}") };
        using var response = await web.GetAsync("/api/overview");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    internal static HttpClient Admin(Gateway gw) => new() { BaseAddress = new Uri($"http://127.0.0.1:{gw.Admin.Port}") };

    internal static async Task<(JsonNode Body, HttpResponseHeaders Headers)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {text}");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return (JsonNode.Parse(text)!, response.Headers);
    }

    private static string?[] Names(JsonNode list) => [.. list.AsArray().Select(n => (string?)n!["name"])];
}
