using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>
/// TraefikService failover.errors on real sockets (Traefik pkg/server/service/loadbalancer/failover): main's answers
/// with a listed status are dropped and the fallback gets the same request with the same body; a body over
/// maxRequestBodyBytes is 413 and reaches no service; an answer that reached the caller is never replaced; a gRPC
/// answer counts by its trailers-only grpc-status.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class FailoverErrorsWireTests
{
    private readonly TaskCompletionSource _callerHasFirstChunk = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _mainHttpCalls;
    private int _fallbackHttpCalls;
    private GrpcTestBackend _main = null!;
    private GrpcTestBackend _fallback = null!;
    private BalancingGateway _gateway = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // main: /status/N reads the body, then answers N with a header of its own; /stream sends a 200 and a first
        // chunk, then breaks the stream. gRPC calls with an x-grpc-status header get a trailers-only answer with it.
        _main = await GrpcTestBackend.StartAsync("main", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Headers["x-grpc-status"] is { Count: 1 } grpcStatus)
                {
                    ctx.Response.ContentType = "application/grpc";
                    ctx.Response.Headers["grpc-status"] = grpcStatus.ToString();
                    ctx.Response.Headers["grpc-message"] = "main refuses";
                    return;
                }

                if (ctx.Request.Path.StartsWithSegments("/switchyard.test.Echo", StringComparison.Ordinal))
                {
                    await next(ctx);
                    return;
                }

                Interlocked.Increment(ref _mainHttpCalls);
                ctx.Response.Headers["x-from"] = "main";
                if (ctx.Request.Path == "/stream")
                {
                    await ctx.Response.WriteAsync("first chunk\n");
                    await ctx.Response.Body.FlushAsync();
                    await _callerHasFirstChunk.Task.WaitAsync(ctx.RequestAborted);
                    ctx.Abort();
                    return;
                }

                var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
                ctx.Response.StatusCode = int.Parse(ctx.Request.Path.Value!["/status/".Length..], System.Globalization.CultureInfo.InvariantCulture);
                await ctx.Response.WriteAsync($"main read {body.Length}");
            }),
        });

        // fallback: echoes the body it read.
        _fallback = await GrpcTestBackend.StartAsync("fallback", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Path.StartsWithSegments("/switchyard.test.Echo", StringComparison.Ordinal))
                {
                    await next(ctx);
                    return;
                }

                Interlocked.Increment(ref _fallbackHttpCalls);
                var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
                await ctx.Response.WriteAsync("fallback got " + body);
            }),
        });

        var closedPort = ClosedPort.Get();
        var table = Tables.With(
            ("main", Tables.Lb([Tables.H2c(_main)])),
            ("fallback", Tables.Lb([Tables.H2c(_fallback)])),
            ("refused", Tables.Lb([$"h2c://127.0.0.1:{closedPort}"])),
            ("root", new FailoverService("main", "fallback") { Errors = new FailoverErrorsConfig(["500-503", "429"], 1000) }),
            ("unbounded", new FailoverService("main", "fallback") { Errors = new FailoverErrorsConfig(["503"], -1) }),
            ("network", new FailoverService("refused", "fallback") { Errors = new FailoverErrorsConfig(["502"], -1) }),
            ("plain", new FailoverService("main", "fallback")));
        _gateway = await BalancingGateway.StartAsync(table, "root");
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = _gateway.Address,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _fallback.DisposeAsync();
        await _main.DisposeAsync();
    }

    /// <summary>An h2c request (prior knowledge: the gateway listens HTTP/2 only).</summary>
    private static HttpRequestMessage H2(HttpMethod method, string path) =>
        new(method, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string service, string path, HttpContent content)
    {
        using var request = H2(HttpMethod.Post, path);
        request.Content = content;
        request.Headers.Add("x-service", service);
        var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Test]
    public async Task A_listed_status_sends_the_same_request_and_body_to_the_fallback_and_drops_mains_answer()
    {
        var (mainBefore, fallbackBefore) = (_mainHttpCalls, _fallbackHttpCalls);
        var body = new string('x', 900);
        var (status, text, response) = await PostAsync("root", "/status/503", new StringContent(body));
        using var _ = response;

        // A chunked body (no length) is kept the same way.
        using var chunked = new StreamContent(new MemoryStream("chunked body"u8.ToArray()));
        var (chunkedStatus, chunkedText, chunkedResponse) = await PostAsync("root", "/status/429", chunked);
        using var __ = chunkedResponse;

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text, Is.EqualTo("fallback got " + body));
            Assert.That(response.Headers.Contains("x-from"), Is.False, "nothing of main's answer reaches the caller");
            Assert.That(chunkedStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(chunkedText, Is.EqualTo("fallback got chunked body"));
            Assert.That(_mainHttpCalls - mainBefore, Is.EqualTo(2));
            Assert.That(_fallbackHttpCalls - fallbackBefore, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_status_not_listed_goes_through_and_without_errors_main_always_answers()
    {
        var fallbackBefore = _fallbackHttpCalls;
        var (notListed, notListedText, r1) = await PostAsync("root", "/status/504", new StringContent("abc"));
        var (plain, plainText, r2) = await PostAsync("plain", "/status/503", new StringContent("abc"));
        using var _ = r1;
        using var __ = r2;

        Assert.Multiple(() =>
        {
            Assert.That(notListed, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(notListedText, Is.EqualTo("main read 3"));
            Assert.That(r1.Headers.GetValues("x-from"), Is.EqualTo(new[] { "main" }));
            Assert.That(plain, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(plainText, Is.EqualTo("main read 3"));
            Assert.That(_fallbackHttpCalls, Is.EqualTo(fallbackBefore));
        });
    }

    [Test]
    public async Task A_body_over_maxRequestBodyBytes_is_413_and_reaches_no_service_and_no_limit_keeps_any_body()
    {
        var (mainBefore, fallbackBefore) = (_mainHttpCalls, _fallbackHttpCalls);
        var (declared, declaredText, r1) = await PostAsync("root", "/status/503", new ByteArrayContent(new byte[1001]));
        using var chunkedContent = new StreamContent(new MemoryStream(new byte[1500]));
        var (chunked, _, r2) = await PostAsync("root", "/status/503", chunkedContent);
        using var _1 = r1;
        using var _2 = r2;
        var calledForTooLarge = (_mainHttpCalls - mainBefore) + (_fallbackHttpCalls - fallbackBefore);

        // -1: a body of 3 MiB (past the in-memory part) is kept and sent again whole.
        var large = new string('y', 3 * 1024 * 1024);
        var (unbounded, unboundedText, r3) = await PostAsync("unbounded", "/status/503", new StringContent(large));
        using var _3 = r3;

        Assert.Multiple(() =>
        {
            Assert.That(declared, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(declaredText, Does.Contain("Request body too large"));
            Assert.That(chunked, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), "a chunked body is counted as it is read");
            Assert.That(calledForTooLarge, Is.Zero);
            Assert.That(unbounded, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(unboundedText.Length, Is.EqualTo("fallback got ".Length + large.Length));
        });
    }

    [Test]
    public async Task An_answer_that_reached_the_caller_is_never_replaced_even_when_it_breaks()
    {
        var fallbackBefore = _fallbackHttpCalls;
        using var request = H2(HttpMethod.Get, "/stream");
        request.Headers.Add("x-service", "root");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var reader = new StreamReader(stream);
        var first = await reader.ReadLineAsync();
        _callerHasFirstChunk.TrySetResult();
        Exception? broken = null;
        try
        {
            await reader.ReadToEndAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            broken = ex;
        }

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first, Is.EqualTo("first chunk"));
            Assert.That(broken, Is.Not.Null, "the broken answer stays broken");
            Assert.That(_fallbackHttpCalls, Is.EqualTo(fallbackBefore), "the fallback never runs once bytes reached the caller");
        });
    }

    [Test]
    public async Task A_network_error_on_main_is_its_502_and_fails_over_when_listed()
    {
        var (status, text, response) = await PostAsync("network", "/anything", new StringContent("after refused"));
        using var _ = response;

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text, Is.EqualTo("fallback got after refused"));
        });
    }

    [Test]
    public async Task A_grpc_trailers_only_status_counts_as_its_http_status()
    {
        var client = _gateway.Client();
        var fallbackCalls = _fallback.Calls;

        // UNAVAILABLE (14) stands for 503, listed: the fallback answers.
        var unavailable = await client.UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-service", "root" }, { "x-grpc-status", "14" } });

        // NOT_FOUND (5) stands for 404, not listed: main's answer goes through.
        var notFound = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-service", "root" }, { "x-grpc-status", "5" } }));

        Assert.Multiple(() =>
        {
            Assert.That(unavailable.Server, Is.EqualTo("fallback"));
            Assert.That(unavailable.Message, Is.EqualTo("m"), "the request message was sent again whole");
            Assert.That(_fallback.Calls - fallbackCalls, Is.EqualTo(1));
            Assert.That(notFound.StatusCode, Is.EqualTo(StatusCode.NotFound));
            Assert.That(notFound.Status.Detail, Is.EqualTo("main refuses"));
        });
    }
}
