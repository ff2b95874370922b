using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>When the gateway itself answers, gRPC callers get the right status (REFERENCE §1), HTTP callers the HTTP status.</summary>
[CancelAfter(60_000)]
public class ProxyErrorTests
{
    [Test]
    public async Task NoRoute_IsUnimplemented_ForGrpc_And404ForHttp()
    {
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("only", "svc", PathPrefix("/elsewhere"))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", []) }));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));

        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/x");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task NoServer_AndConnectFailure_AreUnavailable()
    {
        // A port that was free a moment ago: nothing listens there.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table(
            [Router("empty", "none", PathPrefix("/switchyard.test.Echo/Unary")), Router("dead", "dead", PathPrefix("/switchyard.test.Echo/"), priority: 0)],
            new Dictionary<string, ServiceConfig>
            {
                ["none"] = Lb("h2c", []),
                ["dead"] = Lb("h2c", [new Uri($"http://127.0.0.1:{deadPort}")]),
            }));
        var client = gw.Client();
        var noServer = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest()));
        Assert.That(noServer!.StatusCode, Is.EqualTo(StatusCode.Unavailable));

        var connect = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = client.ServerStream(new StreamRequest { Count = 1 });
            await call.ResponseStream.MoveNext();
        });
        Assert.That(connect!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
    }

    [Test]
    public async Task UnsupportedMiddleware_DisablesTheRouterWithAnErrorAnswer()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        var result = gw.Host.Tables.Swap(Table(
            [Router("r", "svc", middlewares: ["default-plugin"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-plugin"] = new UnsupportedMiddlewareConfig("plugin") }));

        // The compiler reports an unsupported type on the route and the Middleware (SY111/SY303); the data plane
        // answers the explicit error without reporting it a second time.
        Assert.That(result.Diagnostics, Is.Empty);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(ex.Status.Detail, Does.Contain("plugin"));
        Assert.That(backend.Calls, Is.Zero, "never a silent pass-through");
    }

    [Test]
    public async Task ExpiredGrpcTimeout_IsAnsweredDeadlineExceededByTheGateway_AndTheBackendCallIsCancelled()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1", WithoutOwnDeadline());
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var warm = await WarmUpAsync(gw, backend);

        // A raw HTTP/2 gRPC request, so that what we see is the gateway's answer and not the client's own deadline.
        using var http = new HttpClient();
        using var request = RawGrpcRequest(gw.Web.Port, "Unary", new EchoRequest { DelayMs = 20_000 }, "2S");
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.Headers.TryGetValues("grpc-status", out var s) ? s.Single()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.Single() : null;
        var detail = response.Headers.TryGetValues("grpc-message", out var m) ? m.Single() : "";
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo("4"));
            Assert.That(detail, Does.Contain("gateway"));
            Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
        await AssertEveryBackendCallIsCancelledAsync(backend, warm);

        // And through Grpc.Net.Client with a deadline.
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client().UnaryAsync(new EchoRequest { DelayMs = 20_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
    }

    [Test]
    public async Task GrpcTimeoutPassingMidStream_EndsTheStreamWithDeadlineExceededTrailers_NotAReset()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1", WithoutOwnDeadline());
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var warm = await WarmUpAsync(gw, backend);

        // A server stream that would run for 50 s, with a 3 s grpc-timeout (room for a cold start under load before
        // the first message): the first messages arrive, then the gateway's deadline passes. Raw HTTP/2, so that
        // what we see is the gateway's answer on the wire.
        using var http = new HttpClient();
        using var request = RawGrpcRequest(gw.Web.Port, "ServerStream", new StreamRequest { Message = "m", Count = 100, IntervalMs = 500 }, "3S");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.Headers.Contains("grpc-status"), Is.False, "the stream had started: not a trailers-only answer");

        // A reset stream would throw here; a gRPC-correct end reads to the end and carries the status trailers.
        var body = await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.Single() : null;
        var detail = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? m.Single() : "";
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.Not.Empty, "the messages sent before the deadline were delivered");
            Assert.That(status, Is.EqualTo("4"));
            Assert.That(detail, Does.Contain("gateway"));
        });
        await AssertEveryBackendCallIsCancelledAsync(backend, warm);
    }

    /// <summary>One call through the gateway before the timed one: the gateway's connection to the backend exists.</summary>
    private static async Task<int> WarmUpAsync(Gateway gw, GrpcTestBackend backend)
    {
        Assert.That((await gw.Client().UnaryAsync(new EchoRequest { Message = "warm" })).Message, Is.EqualTo("warm"));
        return backend.Calls;
    }

    /// <summary>
    /// Every backend call the gateway made after the warm-up was cancelled by the gateway's reset (RST_STREAM CANCEL
    /// from SocketsHttpHandler when the deadline cancels the outgoing request). The HTTP/2 client may resend a request
    /// that a closing connection never processed, so the count of calls is not asserted to be exactly one.
    /// </summary>
    private static async Task AssertEveryBackendCallIsCancelledAsync(GrpcTestBackend backend, int warmCalls)
    {
        try
        {
            await Wait.UntilAsync(() => backend.Cancellations >= 1 && backend.Cancellations == backend.Calls - warmCalls, TimeSpan.FromSeconds(10),
                "the backend call to be cancelled");
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}: backend calls {backend.Calls - warmCalls}, cancelled {backend.Cancellations}");
        }
    }

    /// <summary>
    /// The backend of the deadline tests has no deadline of its own: the gateway forwards grpc-timeout, and the
    /// backend's own deadline would race the gateway's reset, so a cancellation by the gateway could not be told apart.
    /// </summary>
    private static GrpcTestBackendOptions WithoutOwnDeadline() => new()
    {
        Configure = app => Microsoft.AspNetCore.Builder.UseExtensions.Use(app, (Microsoft.AspNetCore.Http.HttpContext ctx, Microsoft.AspNetCore.Http.RequestDelegate next) =>
        {
            ctx.Request.Headers.Remove("grpc-timeout");
            return next(ctx);
        }),
    };

    /// <summary>One length-prefixed gRPC message to an Echo method over HTTP/2, with a grpc-timeout header.</summary>
    internal static HttpRequestMessage RawGrpcRequest(int port, string method, Google.Protobuf.IMessage message, string grpcTimeout) =>
        RawGrpc.Request(port, method, message, grpcTimeout);
}
