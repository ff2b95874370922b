using System.Net;
using System.Net.Http;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// retry's v3.7 fields on real sockets (Traefik pkg/middlewares/retry/retry.go): status, retryNonIdempotentMethod,
/// timeout, disableRetryOnNetworkError, and "never once bytes reached the caller".
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RetryStatusTests
{
    private readonly TaskCompletionSource _callerHasFirstChunk = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failuresLeft;
    private int _calls;
    private GrpcTestBackend _backend = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // /flaky answers 503 while failures are left, then 200 with the length of the body it read.
        // /stream sends headers and a first chunk, then breaks the stream. gRPC calls: trailers-only UNAVAILABLE while
        // failures are left, then the real service.
        _backend = await GrpcTestBackend.StartAsync("b", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (ctx, next) =>
            {
                Interlocked.Increment(ref _calls);
                var fail = Interlocked.Decrement(ref _failuresLeft) >= 0;
                if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
                {
                    if (!fail)
                    {
                        await next(ctx);
                        return;
                    }

                    ctx.Response.ContentType = "application/grpc";
                    ctx.Response.Headers["grpc-status"] = "14";
                    ctx.Response.Headers["grpc-message"] = "warming up";
                    return;
                }

                if (ctx.Request.Path == "/stream")
                {
                    // Break the stream only once the caller has the first chunk: bytes reached it before the failure.
                    await ctx.Response.WriteAsync("first chunk\n");
                    await ctx.Response.Body.FlushAsync();
                    await _callerHasFirstChunk.Task;
                    ctx.Abort();
                    return;
                }

                var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                ctx.Response.StatusCode = fail ? 503 : 200;
                await ctx.Response.WriteAsync(fail ? "busy" : $"read {body.Length}");
            }),
        });
        _gateway = await TestGateway.StartAsync(_backend.Address);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private void FailNext(int failures)
    {
        Volatile.Write(ref _failuresLeft, failures);
        Volatile.Write(ref _calls, 0);
    }

    private static RetryConfig Retry(int attempts, params string[] status) => new(attempts, TimeSpan.FromMilliseconds(10)) { Status = [.. status] };

    [Test]
    public async Task AStatusToRetryIsRetriedUntilTheBackendSucceeds()
    {
        _gateway.Use(Build.Middleware(Retry(4, "500-599")));
        FailNext(2);
        using var http = Clients.Http();
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/flaky"));
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("read 0"), "the caller sees only the last answer");
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task TheLastAttemptsAnswerGoesToTheCallerAsIs()
    {
        _gateway.Use(Build.Middleware(Retry(2, "503")));
        FailNext(5);
        using var http = Clients.Http();
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/flaky"));
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("busy"));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task APostIsRetriedOnStatusOnlyWithRetryNonIdempotentMethodAndWithItsWholeBody()
    {
        using var http = Clients.Http();
        var payload = new string('x', 100_000);

        _gateway.Use(Build.Middleware(Retry(3, "503")));
        FailNext(1);
        using (var refused = await http.PostAsync(new Uri(_gateway.Http1Address, "/flaky"), new StringContent(payload)))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "POST is not idempotent: not retried on status");
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(1));
        }

        _gateway.Use(Build.Middleware(Retry(3, "503") with { RetryNonIdempotentMethod = true }));
        FailNext(1);
        using var retried = await http.PostAsync(new Uri(_gateway.Http1Address, "/flaky"), new StringContent(payload));
        Assert.Multiple(async () =>
        {
            Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await retried.Content.ReadAsStringAsync(), Is.EqualTo("read 100000"), "the second attempt sent the whole body");
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ABodyOverMaxRequestBodyBytesIsNotRetried()
    {
        _gateway.Use(Build.Middleware(Retry(3, "503") with { RetryNonIdempotentMethod = true, MaxRequestBodyBytes = 1000 }));
        FailNext(1);
        using var http = Clients.Http();
        using var response = await http.PostAsync(new Uri(_gateway.Http1Address, "/flaky"), new StringContent(new string('x', 5000)));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AGrpcUnavailableAnswerIsRetriedAs503()
    {
        // gRPC answers are HTTP 200; a trailers-only grpc-status counts as its HTTP status (UNAVAILABLE = 503). gRPC calls
        // are POSTs, so Traefik's rule needs retryNonIdempotentMethod for them.
        _gateway.Use(Build.Middleware(Retry(3, "503") with { RetryNonIdempotentMethod = true }));
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        FailNext(2);
        var reply = await client.UnaryAsync(new EchoRequest { Message = "hello" });
        Assert.Multiple(() =>
        {
            Assert.That(reply.Message, Does.Contain("hello"));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(3));
        });

        _gateway.Use(Build.Middleware(Retry(3, "503")));
        FailNext(1);
        var status = (await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { Message = "hello" })))!.StatusCode;
        Assert.That(status, Is.EqualTo(StatusCode.Unavailable), "without retryNonIdempotentMethod the POST is not retried");
    }

    [Test]
    public async Task AnAnswerThatStartedStreamingIsNeverRetried()
    {
        _gateway.Use(Build.Middleware(Retry(3, "500-599")));
        FailNext(0);
        using var http = Clients.Http();
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/stream"), HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the headers reached the caller");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo("first chunk"));
        _callerHasFirstChunk.SetResult();
        Assert.That(async () => await reader.ReadToEndAsync(), Throws.InstanceOf<Exception>(), "the broken stream reaches the caller as broken");
        Assert.That(Volatile.Read(ref _calls), Is.EqualTo(1), "bytes reached the caller: no second attempt");
    }

    [Test]
    public async Task NoAttemptStartsAfterTheTimeout()
    {
        // A timeout shorter than any round trip: the first answer arrives after it, so it goes to the caller as is.
        _gateway.Use(Build.Middleware(Retry(5, "503") with { Timeout = TimeSpan.FromTicks(1) }));
        FailNext(5);
        using var http = Clients.Http();
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/flaky"));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(1));
        });
    }
}
