using System.Globalization;
using System.Net;
using Grpc.Core;
using Switchyard.DataPlane.Metrics;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>Prometheus /metrics on the admin entry point: Traefik's series names and labels, plus gRPC statuses.</summary>
[CancelAfter(30_000)]
public class MetricsTests
{
    private static readonly MetricsOptions AllLabels = new() { EntryPoint = "admin", AddRoutersLabels = true };

    [Test]
    public async Task CallsThroughARouter_RaiseEntryPointRouterAndServiceCounters_WithTraefikLabels()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();
        for (var i = 0; i < 3; i++)
        {
            await client.UnaryAsync(new EchoRequest { Message = "hi" });
        }

        var failed = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "gone" }));
        Assert.That(failed!.StatusCode, Is.EqualTo(StatusCode.NotFound));

        // The counters are bumped when the call completes on the gateway, which may trail the client by a moment.
        string text = "";
        await Wait.UntilAsync(async () =>
        {
            text = await ScrapeAsync(gw);
            return Value(text, "traefik_service_requests_total", "code=\"0\",method=\"POST\",protocol=\"grpc\",service=\"default-echo-80\"") == 3
                && Value(text, "traefik_service_requests_total", "code=\"5\",method=\"POST\",protocol=\"grpc\",service=\"default-echo-80\"") == 1;
        }, TimeSpan.FromSeconds(10), () => $"service counters: 3 OK, 1 NOT_FOUND (Traefik v3 labels gRPC calls with their grpc-status); last scrape:\n{text}");

        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "traefik_entrypoint_requests_total", "code=\"0\",method=\"POST\",protocol=\"grpc\",entrypoint=\"web\""), Is.EqualTo(3));
            Assert.That(Value(text, "traefik_router_requests_total", "code=\"0\",method=\"POST\",protocol=\"grpc\",router=\"default-echo\",service=\"default-echo-80\""), Is.EqualTo(3));
            Assert.That(Value(text, "traefik_entrypoint_request_duration_seconds_count", "code=\"0\",method=\"POST\",protocol=\"grpc\",entrypoint=\"web\""), Is.EqualTo(3));
            Assert.That(Value(text, "traefik_entrypoint_request_duration_seconds_bucket", "code=\"0\",method=\"POST\",protocol=\"grpc\",entrypoint=\"web\",le=\"+Inf\""), Is.EqualTo(3));
            Assert.That(Value(text, "traefik_entrypoint_open_connections", "entrypoint=\"web\",method=\"POST\",protocol=\"grpc\""), Is.Zero);
            Assert.That(Value(text, "switchyard_grpc_responses_total", "router=\"default-echo\",grpc_status=\"0\""), Is.EqualTo(3));
            Assert.That(Value(text, "switchyard_grpc_responses_total", "router=\"default-echo\",grpc_status=\"5\""), Is.EqualTo(1));
            Assert.That(Value(text, "traefik_config_reloads_total", ""), Is.EqualTo(1));
            Assert.That(Value(text, "traefik_config_last_reload_success", ""), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));
            Assert.That(text, Does.Contain("# TYPE traefik_entrypoint_request_duration_seconds histogram"));
            Assert.That(text, Does.Contain("le=\"0.1\"").And.Contain("le=\"5\""), "Traefik's default buckets");
        });
    }

    [Test]
    public async Task AMissingRoute_CountsItsCode_AndGrpcStatusUnimplemented()
    {
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("only", "svc", PathPrefix("/elsewhere"))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", []) }));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
        using (var http = new HttpClient())
        using (var notFound = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/x"))
        {
            Assert.That(notFound.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var text = await ScrapeAsync(gw);
        Assert.Multiple(() =>
        {
            // gRPC: a trailers-only HTTP 200 with grpc-status 12; Traefik v3 labels a gRPC call with its grpc-status.
            Assert.That(Value(text, "traefik_entrypoint_requests_total", "code=\"12\",method=\"POST\",protocol=\"grpc\",entrypoint=\"web\""), Is.EqualTo(1));
            Assert.That(text, Does.Not.Contain("code=\"200\",method=\"POST\",protocol=\"grpc\""), "a gRPC call is not labelled with its HTTP status");
            Assert.That(Value(text, "traefik_entrypoint_requests_total", "code=\"404\",method=\"GET\",protocol=\"http\",entrypoint=\"web\""), Is.EqualTo(1));
            Assert.That(Value(text, "switchyard_grpc_responses_total", "router=\"\",grpc_status=\"12\""), Is.EqualTo(1));
            Assert.That(text, Does.Not.Contain("traefik_router_requests_total{"), "no router served anything");
        });
    }

    [Test]
    public async Task GrpcWebCalls_CountTheStatusOfTheirTrailerFrame()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("web-echo", "svc", middlewares: ["default-web"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-web"] = new GrpcWebConfig(["*"]) }));
        var (channel, client) = Middlewares.Clients.GrpcWeb(new Uri($"http://127.0.0.1:{gw.Web.Port}"), Grpc.Net.Client.Web.GrpcWebMode.GrpcWeb, HttpVersion.Version11);
        using (channel)
        {
            await client.UnaryAsync(new EchoRequest { Message = "web" });
            var ex = await Assert.ThrowsAsync<RpcException>(async () =>
                await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.FailedPrecondition, FailMessage = "not now" }));
            Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        }

        var text = "";
        await Wait.UntilAsync(async () =>
        {
            text = await ScrapeAsync(gw);
            return Value(text, "switchyard_grpc_responses_total", "router=\"web-echo\",grpc_status=\"9\"") == 1;
        }, TimeSpan.FromSeconds(10), "FAILED_PRECONDITION counted");
        Assert.That(Value(text, "switchyard_grpc_responses_total", "router=\"web-echo\",grpc_status=\"0\""), Is.EqualTo(1));
        // Traefik v3: the code label of a gRPC-Web call is its grpc-status, also when it came in the body's trailer frame.
        Assert.That(Value(text, "traefik_router_requests_total", "code=\"0\",method=\"POST\",protocol=\"grpc-web\",router=\"web-echo\",service=\"svc\""), Is.EqualTo(1));
        Assert.That(Value(text, "traefik_router_requests_total", "code=\"9\",method=\"POST\",protocol=\"grpc-web\",router=\"web-echo\",service=\"svc\""), Is.EqualTo(1));
    }

    [Test]
    public async Task RoutersLabelsOff_ByDefault_AndMetricsSurviveASwap()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: new MetricsOptions { EntryPoint = "admin", Buckets = [0.5, 2] });
        var services = new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) };
        gw.Apply(Table([Router("r1", "svc")], services));
        await gw.Client().UnaryAsync(new EchoRequest());
        gw.Apply(Table([Router("r1", "svc", PathPrefix("/"))], services, transports: new Dictionary<string, ServersTransportConfig> { ["other"] = ServersTransportConfig.Default }));
        await gw.Client().UnaryAsync(new EchoRequest());

        var text = "";
        await Wait.UntilAsync(async () =>
        {
            text = await ScrapeAsync(gw);
            return Value(text, "traefik_service_requests_total", "code=\"0\",method=\"POST\",protocol=\"grpc\",service=\"svc\"") == 2;
        }, TimeSpan.FromSeconds(10), "service counter kept across the swap");
        Assert.That(text, Does.Not.Contain("traefik_router_requests_total{"));
        Assert.That(text, Does.Contain("le=\"0.5\"").And.Contain("le=\"2\""));
        Assert.That(Value(text, "traefik_config_reloads_total", ""), Is.EqualTo(2));
    }

    [Test]
    public async Task OpenConnections_FollowTcpConnectionsOfAnEntryPoint()
    {
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        const string web = "entrypoint=\"web\",protocol=\"TCP\"";
        Assert.That(Value(await ScrapeAsync(gw), "traefik_open_connections", web), Is.Zero);

        using (var first = new System.Net.Sockets.TcpClient())
        using (var second = new System.Net.Sockets.TcpClient())
        {
            await first.ConnectAsync(gw.Web);
            await second.ConnectAsync(gw.Web);
            await Wait.UntilAsync(async () => Value(await ScrapeAsync(gw), "traefik_open_connections", web) == 2,
                TimeSpan.FromSeconds(10), "two open connections on web");
        }

        await Wait.UntilAsync(async () => Value(await ScrapeAsync(gw), "traefik_open_connections", web) == 0,
            TimeSpan.FromSeconds(10), "closed connections no longer counted");
    }

    [Test]
    public async Task TlsCertificatesOfTheTable_ShowTheirNotAfter()
    {
        using var ca = TestCertificates.CreateCa();
        using var api = TestCertificates.IssueServer(ca, "api.test");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        var tls = new TlsConfig(
            System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [KeyValuePair.Create("default-api", new TlsCertificate(["api.test"], Pem(api, true)))]),
            TlsConfig.Empty.Stores, TlsConfig.Empty.Options);
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", []) }, tls: tls));

        var text = await ScrapeAsync(gw);
        var labels = $"cn=\"{api.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)}\",sans=\"api.test\",serial=\"{api.SerialNumber}\"";
        Assert.That(Value(text, "traefik_tls_certs_not_after", labels), Is.EqualTo(new DateTimeOffset(api.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()));
    }

    [Test]
    public async Task LabelValues_AreEscaped()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(metrics: AllLabels);
        gw.Apply(Table([Router("odd\"name\\x", "svc")],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        await gw.Client().UnaryAsync(new EchoRequest());

        await Wait.UntilAsync(async () => Value(await ScrapeAsync(gw), "traefik_router_requests_total",
                "code=\"0\",method=\"POST\",protocol=\"grpc\",router=\"odd\\\"name\\\\x\",service=\"svc\"") == 1,
            TimeSpan.FromSeconds(10), "the router series with its name escaped");
    }

    [Test]
    public async Task MetricsDisabled_MetricsIsNotFound()
    {
        await using var gw = await Gateway.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{gw.Admin.Port}/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(gw.Host.Metrics, Is.Null);
    }

    [Test]
    public async Task MetricsOnANonAdminEntryPoint_IsRejected()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await Gateway.StartAsync(metrics: new MetricsOptions { EntryPoint = "web" }));
        Assert.That(ex!.Message, Does.Contain("'web' is not an admin entry point"));
    }

    internal static async Task<string> ScrapeAsync(Gateway gw)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{gw.Admin.Port}/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sample of <paramref name="name"/> with exactly these labels; -1 when absent.</summary>
    internal static double Value(string text, string name, string labels)
    {
        var series = labels.Length == 0 ? name : $"{name}{{{labels}}}";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
