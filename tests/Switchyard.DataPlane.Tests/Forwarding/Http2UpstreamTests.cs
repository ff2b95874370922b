using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// The purpose-built HTTP/2 upstream prototype (issue 21) on real sockets: a Kestrel h2c front forwarding through
/// <see cref="GrpcUpstreamForwarder"/> to a Grpc.AspNetCore backend, called with Grpc.Net.Client.
/// </summary>
[CancelAfter(30_000)]
public sealed partial class Http2UpstreamTests
{
    private sealed class Front : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public readonly GrpcChannel Channel;
        public readonly Echo.EchoClient Client;
        public readonly UpstreamPool Pool;

        private Front(WebApplication app, Uri address, UpstreamPool pool)
        {
            _app = app;
            Pool = pool;
            Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
            Client = new Echo.EchoClient(Channel);
        }

        /// <param name="before">Middleware that runs before the forwarder (to shape what it finds on arrival).</param>
        public static async Task<Front> StartAsync(int backendPort, UpstreamOptions? options = null,
            Func<HttpContext, RequestDelegate, Task>? before = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            var pool = new UpstreamPool(new IPEndPoint(IPAddress.Loopback, backendPort), options);
            var forwarder = new GrpcUpstreamForwarder(pool);
            if (before is not null)
            {
                app.Use(before);
            }

            app.Run(forwarder.ForwardAsync);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Front(app, new Uri(address), pool);
        }

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<RpcException> Fails(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            return e;
        }

        Assert.Fail("the call succeeded");
        return null!;
    }

    [Test]
    public async Task A_unary_call_carries_its_message_headers_and_trailers_both_ways()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);

        for (var i = 0; i < 3; i++) // the second and third calls decode the backend's indexed (dynamic table) fields
        {
            var call = front.Client.UnaryAsync(new EchoRequest { Message = "hello-" + i },
                new Metadata { { "x-custom", "v" + i } });
            var reply = await call;
            var headers = await call.ResponseHeadersAsync;
            Assert.Multiple(() =>
            {
                Assert.That(reply.Message, Is.EqualTo("hello-" + i));
                Assert.That(reply.Headers["x-custom"], Is.EqualTo("v" + i));
                Assert.That(reply.Headers["te"], Is.EqualTo("trailers"));
                Assert.That(headers.GetValue("x-backend"), Is.EqualTo("b1"));
                Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b1"));
                Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
            });
        }
    }

    [Test]
    public async Task A_bidi_stream_larger_than_every_flow_control_window_arrives_whole_in_both_directions()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 64 * 1024).Select(i => (byte)i).ToArray());

        // Bounded by the class CancelAfter: a stall fails the call instead of hanging the run.
        using var call = front.Client.Bidi(cancellationToken: TestContext.CurrentContext.CancellationToken);
        var reader = Task.Run(async () =>
        {
            var n = 0;
            await foreach (var r in call.ResponseStream.ReadAllAsync())
            {
                Assert.That(r.Payload, Is.EqualTo(payload));
                n++;
            }

            return n;
        });
        for (var i = 0; i < 40; i++) // 2.5 MiB each way: above the 256 KiB stream and 768 KiB Kestrel windows
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = "m" + i, Payload = payload });
        }

        await call.RequestStream.CompleteAsync();
        Assert.That(await reader, Is.EqualTo(40));
        Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
    }

    [Test]
    public async Task A_stream_whose_first_message_is_already_buffered_when_the_forwarder_starts_is_forwarded()
    {
        // The timing that stalled the bidi test under load, made certain: the first request bytes are already in
        // Kestrel's body pipe (the call is not complete) when the forwarder looks. Its TryRead then left a read in
        // progress, SendBodyAsync's ReadAsync threw, and the call waited for response headers forever.
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port, before: async (ctx, next) =>
        {
            var r = await ctx.Request.BodyReader.ReadAsync();
            ctx.Request.BodyReader.AdvanceTo(r.Buffer.Start); // seen, not consumed: the forwarder finds it waiting
            await next(ctx);
        });

        using var call = front.Client.Bidi(cancellationToken: TestContext.CurrentContext.CancellationToken);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "first" });
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);
        Assert.That(call.ResponseStream.Current.Message, Is.EqualTo("first"));
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "second" });
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);
        Assert.That(call.ResponseStream.Current.Message, Is.EqualTo("second"));
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(), Is.False);
        Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
    }

    [Test]
    public async Task A_server_stream_delivers_every_message_and_its_trailers()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);

        using var call = front.Client.ServerStream(new StreamRequest { Message = "s", Count = 2000 });
        var last = 0;
        await foreach (var r in call.ResponseStream.ReadAllAsync())
        {
            Assert.That(r.Count, Is.EqualTo(last + 1));
            last = r.Count;
        }

        Assert.That(last, Is.EqualTo(2000));
        Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("stream-b1"));
    }

    [Test]
    public async Task A_backend_error_status_reaches_the_caller_unchanged()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);

        var e = await Fails(async () =>
            await front.Client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "no such thing" }));
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(e.Status.Detail, Is.EqualTo("no such thing"));
    }

    [Test]
    public async Task A_caller_that_cancels_cancels_the_backend_call_and_the_connection_keeps_serving()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);
        using var cts = new CancellationTokenSource();

        var call = front.Client.UnaryAsync(new EchoRequest { Message = "slow", DelayMs = 60_000 }, cancellationToken: cts.Token);
        await Wait.UntilAsync(() => backend.Calls == 1, TimeSpan.FromSeconds(10), "the backend to receive the call");
        cts.Cancel();
        var e = await Fails(async () => await call);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Cancelled));
        await Wait.UntilAsync(() => backend.Cancellations == 1, TimeSpan.FromSeconds(10), "the backend call to be cancelled (RST_STREAM)");

        Assert.That((await front.Client.UnaryAsync(new EchoRequest { Message = "after" })).Message, Is.EqualTo("after"));
    }

    [Test]
    public async Task A_deadline_travels_to_the_backend_as_grpc_timeout()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);

        var e = await Fails(async () =>
            await front.Client.UnaryAsync(new EchoRequest { DelayMs = 60_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        await Wait.UntilAsync(() => backend.Cancellations == 1, TimeSpan.FromSeconds(10), "the backend to see its deadline pass");
    }

    [Test]
    public async Task A_backend_that_goes_away_mid_call_or_before_it_answers_unavailable_without_a_stall()
    {
        var backend = await GrpcTestBackend.StartAsync("b1");
        await using var front = await Front.StartAsync(backend.Port);
        Assert.That((await front.Client.UnaryAsync(new EchoRequest { Message = "warm" })).Message, Is.EqualTo("warm"));

        var inFlight = front.Client.UnaryAsync(new EchoRequest { DelayMs = 60_000 });
        await Wait.UntilAsync(() => backend.Calls == 2, TimeSpan.FromSeconds(10), "the backend to receive the slow call");
        await backend.DisposeAsync(); // stops listening, aborts the in-flight call, closes the connection

        var mid = await Fails(async () => await inFlight);
        Assert.That(mid.StatusCode, Is.EqualTo(StatusCode.Unavailable).Or.EqualTo(StatusCode.Cancelled));

        var after = await Fails(async () => await front.Client.UnaryAsync(new EchoRequest { Message = "x" }));
        Assert.That(after.StatusCode, Is.EqualTo(StatusCode.Unavailable));
    }
}
