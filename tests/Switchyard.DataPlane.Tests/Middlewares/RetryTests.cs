using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class RetryTests
{
    /// <summary>A backend that accepts TCP connections and closes them at once, counting them.</summary>
    private sealed class SlammingListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _accepted;

        public SlammingListener()
        {
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    socket.Close(0);
                }
            });
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public int Accepted => Volatile.Read(ref _accepted);

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task<StatusCode> CallAsync(Echo.EchoClient client, EchoRequest request)
    {
        try
        {
            await client.UnaryAsync(request);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    [Test]
    public async Task NetworkFailuresAreRetriedUpToAttemptsAndTheCallerGetsOneAnswer()
    {
        await using var backend = new SlammingListener();
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        var (channel, client) = Clients.Grpc(gateway.H2cAddress);
        using var _ = channel;

        gateway.Use();
        var without = await CallAsync(client, new EchoRequest { Message = "r" });
        var once = backend.Accepted;

        gateway.Use(Build.Middleware(new RetryConfig(3, TimeSpan.FromMilliseconds(20))));
        var with = await CallAsync(client, new EchoRequest { Message = "r" });
        var retried = backend.Accepted - once;

        Assert.Multiple(() =>
        {
            Assert.That(without, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(with, Is.EqualTo(StatusCode.Unavailable), "after the last attempt the caller gets the error once");
            Assert.That(once, Is.GreaterThanOrEqualTo(1));
            Assert.That(retried, Is.EqualTo(3 * once), "three attempts, each reaching the backend");
        });
    }

    [Test]
    public async Task AHandBuiltTableIsBoundedToTenAttempts()
    {
        // The compiler warns about and bounds attempts > 10 and a 0s interval; a table built by hand is bounded too.
        await using var backend = new SlammingListener();
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        var (channel, client) = Clients.Grpc(gateway.H2cAddress);
        using var _ = channel;

        gateway.Use();
        await CallAsync(client, new EchoRequest { Message = "r" });
        var once = backend.Accepted;

        gateway.Use(Build.Middleware(new RetryConfig(1000, TimeSpan.Zero)));
        var status = await CallAsync(client, new EchoRequest { Message = "r" });

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(backend.Accepted - once, Is.EqualTo(RetryConfig.MaxAttempts * once));
        });
    }

    [Test]
    public async Task ABackendAnswerIsNeverRetried()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b");
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        gateway.Use(Build.Middleware(new RetryConfig(3, TimeSpan.Zero)));
        var (channel, client) = Clients.Grpc(gateway.H2cAddress);
        using var _ = channel;

        var before = backend.Calls;
        var status = await CallAsync(client, new EchoRequest { FailWithStatus = (int)StatusCode.Unavailable, FailMessage = "busy" });
        var ok = await CallAsync(client, new EchoRequest { Message = "fine" });

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(ok, Is.EqualTo(StatusCode.OK));
            Assert.That(backend.Calls - before, Is.EqualTo(2), "one call each: the answered failure was not retried");
        });
    }

    /// <summary>
    /// Every other stream is reset by the backend after it read part of the request body; the others are served.
    /// A retry must send the whole body again (the gRPC server would report an incomplete message) or, when the
    /// body cannot be sent again whole (over the maxRequestBodyBytes kept, here 64 KB), the call fails with UNAVAILABLE —
    /// never INTERNAL.
    /// </summary>
    [TestCase(30_000, false)]
    [TestCase(200_000, true)]
    public async Task ABodyCutByABackendResetIsSentAgainWholeOrTheCallFailsUnavailable(int payload, bool mayFail)
    {
        var streams = 0;
        await using var backend = await GrpcTestBackend.StartAsync("b", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (ctx, next) =>
            {
                if (Interlocked.Increment(ref streams) % 2 == 1)
                {
                    var buffer = new byte[4096];
                    await ctx.Request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
                    ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResetFeature>()!.Reset(2); // INTERNAL_ERROR
                    return;
                }

                await next(ctx);
            }),
        });
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        gateway.Use(Build.Middleware(new RetryConfig(2, TimeSpan.Zero) { MaxRequestBodyBytes = 64 * 1024 }));
        var (channel, client) = Clients.Grpc(gateway.H2cAddress);
        using var _ = channel;

        var outcomes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            try
            {
                var reply = await client.UnaryAsync(new EchoRequest { Message = "whole", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[payload]) });
                outcomes.Add(reply.Payload.Length == payload ? "OK" : "OK but " + reply.Payload.Length + " bytes");
            }
            catch (RpcException ex)
            {
                outcomes.Add(ex.StatusCode + ": " + ex.Status.Detail);
            }
        }

        Assert.That(outcomes, Has.All.Matches<string>(o => o == "OK" || (mayFail && o!.StartsWith("Unavailable", StringComparison.Ordinal))));
    }
}
