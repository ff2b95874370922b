using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.Reliability.Tests.HostileClients;

/// <summary>
/// A client's malformed request is the client's error (400 / INTERNAL) and counts for no backend's health: an
/// anonymous client must not be able to eject healthy servers (passive health check) or trip a circuitBreaker.
/// </summary>
[CancelAfter(60_000)]
public sealed class MalformedRequestTests
{
    private GrpcTestBackend _a = null!;
    private GrpcTestBackend _b = null!;
    private Gateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _a = await GrpcTestBackend.StartAsync("a", HttpEchoBackend.Options());
        _b = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        _gateway = await Gateway.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [SetUp]
    public void ApplyTable()
    {
        // A fresh table per test: new passive-health and breaker state (both keyed by config; the window differs).
        var window = TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(TestContext.CurrentContext.Random.Next(1000));
        var service = new LoadBalancerService(
            [new ServerConfig("127.0.0.1", _a.Port), new ServerConfig("127.0.0.1", _b.Port)],
            BalancerStrategy.Wrr, ServerScheme.H2c, true, "default", TimeSpan.FromMilliseconds(100), null, null,
            new PassiveHealthCheckConfig(window, 2));
        _gateway.Apply(Table(
            [Router("r", "svc", middlewares: ["default-breaker", "default-grpcweb"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = service },
            middlewares: new Dictionary<string, MiddlewareConfig>
            {
                ["default-breaker"] = new CircuitBreakerConfig(
                    BreakerExpression.Parse("NetworkErrorRatio() > 0.25 || ResponseCodeRatio(400, 600, 0, 600) > 0.25"),
                    TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(window.TotalSeconds), TimeSpan.FromSeconds(1), 503),
                ["default-grpcweb"] = new GrpcWebConfig(["*"]),
            }));
    }

    [Test]
    public async Task MalformedGrpcWebTextIsInternal_AndNeitherEjectsAServerNorTripsTheBreaker()
    {
        using var http = Clients.Http();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_gateway.Web.Port}/switchyard.test.Echo/Unary")
            {
                Content = new StringContent("!!!!not base64!!!!", Encoding.ASCII),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc-web-text");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var frames = Encoding.Latin1.GetString(Convert.FromBase64String(body));
            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(frames, Does.Contain("grpc-status:13\r\n"), "INTERNAL: the request is malformed");
            });
        }

        await AssertBothServersServeAsync();
    }

    [Test]
    public async Task MalformedChunkedBodyIs400_AndNeitherEjectsAServerNorTripsTheBreaker()
    {
        for (var i = 0; i < 4; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _gateway.Web.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ-not-a-size\r\n"));
            var answer = await ReadStatusLineAsync(stream);
            Assert.That(answer, Does.StartWith("HTTP/1.1 400"), "the client's error, not the backend's (502)");
        }

        await AssertBothServersServeAsync();
    }

    private async Task AssertBothServersServeAsync()
    {
        var client = new Echo.EchoClient(_gateway.Channel());
        var servers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            servers.Add((await client.UnaryAsync(new EchoRequest { Message = "good" })).Server);
        }

        Assert.That(servers.Distinct().Order(), Is.EqualTo(new[] { "a", "b" }), "no server was ejected, the breaker did not trip");
    }

    private static async Task<string> ReadStatusLineAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await stream.ReadAsync(one, timeout.Token) == 1 && one[0] != (byte)'\n')
        {
            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
    }
}
