using System.Net;
using Grpc.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

[CancelAfter(60_000)]
public class ForwardingTests
{
    [Test]
    public async Task OneCleartextPort_ServesHttp11AndH2cGrpc()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc", PathPrefix("/switchyard.test.Echo/"))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/nothing-here")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version11));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "hi" });
        Assert.That(reply.Server, Is.EqualTo("b1"));
        Assert.That(reply.Message, Is.EqualTo("hi"));
    }

    [Test]
    public async Task Unary_CarriesMetadataHeadersTrailersAndForwardedHeaders()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        var call = gw.Client().UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-test", "42" } });
        var reply = await call;
        var headers = await call.ResponseHeadersAsync;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Headers["x-test"], Is.EqualTo("42"));
            Assert.That(reply.Headers["te"], Is.EqualTo("trailers"));
            Assert.That(reply.Headers["x-forwarded-for"], Is.EqualTo("127.0.0.1"));
            Assert.That(reply.Headers["x-real-ip"], Is.EqualTo("127.0.0.1"));
            Assert.That(reply.Headers["x-forwarded-proto"], Is.EqualTo("http"));
            Assert.That(reply.Headers["x-forwarded-port"], Is.EqualTo(gw.Web.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(reply.Headers[":authority"], Is.EqualTo($"127.0.0.1:{gw.Web.Port}"), "passHostHeader keeps the client's authority");
            Assert.That(headers.GetValue("x-backend"), Is.EqualTo("b1"));
            Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b1"));
        });
    }

    [Test]
    public async Task PassHostHeaderFalse_SendsTheServerAddress()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address], passHostHeader: false) }));
        var reply = await gw.Client().UnaryAsync(new EchoRequest { Message = "m" });
        Assert.That(reply.Headers[":authority"], Is.EqualTo($"127.0.0.1:{backend.Port}"));
    }

    [Test]
    public async Task BackendStatus_AndMessage_PassThrough()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client().UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "no such user ü" }));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(ex.Status.Detail, Is.EqualTo("no such user ü"));
    }

    [Test]
    public async Task FourMebibyteMessage_Passes()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        var payload = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        var reply = await gw.Client().UnaryAsync(new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(payload) });
        Assert.That(reply.Payload.Span.SequenceEqual(payload), Is.True);
    }

    [Test]
    public async Task CancelledCall_IsCancelledAtTheBackend()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        using var cts = new CancellationTokenSource();
        var call = gw.Client().UnaryAsync(new EchoRequest { DelayMs = 30_000 }, cancellationToken: cts.Token);
        await Wait.UntilAsync(() => backend.Calls == 1, TimeSpan.FromSeconds(10), "the call to reach the backend");
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Cancelled));
        await Wait.UntilAsync(() => backend.Cancellations == 1, TimeSpan.FromSeconds(10), "the backend to see the cancellation");
    }

    [Test]
    public async Task SlowClientStream_OneMessageEveryTwoSecondsForTwelveSeconds_Succeeds()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        // Short idle and header timeouts prove that neither applies to an open stream.
        await using var gw = await Gateway.StartAsync(w => w with { IdleTimeout = TimeSpan.FromSeconds(1), ReadHeaderTimeout = TimeSpan.FromSeconds(1) });
        gw.Apply(Table([Router("grpc", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));
        using var call = gw.Client().ClientStream();
        var ticks = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "0" });
        while (ticks < 6 && await timer.WaitForNextTickAsync())
        {
            ticks++;
            await call.RequestStream.WriteAsync(new EchoRequest { Message = ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;
        Assert.That(reply.Count, Is.EqualTo(7));
        Assert.That(reply.Message, Is.EqualTo("6"));
    }
}
