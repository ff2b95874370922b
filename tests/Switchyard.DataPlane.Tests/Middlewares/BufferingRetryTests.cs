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
/// buffering's retryExpression on real sockets (oxy v2.2.0 buffer/buffer.go and threshold.go): the buffered request is
/// sent again, whole, while the expression holds for the buffered answer; the caller sees only the last answer; at
/// most 10 retries; a real network error is IsNetworkError(); gRPC answers count by their grpc-status.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class BufferingRetryTests
{
    private int _failuresLeft;
    private int _calls;
    private string _failWith = "503";
    private GrpcTestBackend _backend = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // While failures are left: "abort" breaks the connection (a network error), a number answers that status
        // (gRPC calls: trailers-only UNAVAILABLE). Then: 200 with the length of the body read, or the real gRPC service.
        _backend = await GrpcTestBackend.StartAsync("b", new GrpcTestBackendOptions
        {
            Configure = app => app.Use(async (ctx, next) =>
            {
                Interlocked.Increment(ref _calls);
                ctx.Response.Headers["X-Path"] = ctx.Request.Path.Value;
                var fail = Interlocked.Decrement(ref _failuresLeft) >= 0;
                var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                if (fail && _failWith == "abort")
                {
                    ctx.Abort();
                    return;
                }

                if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
                {
                    if (!fail)
                    {
                        ctx.Request.Body = new MemoryStream(body.ToArray());
                        await next(ctx);
                        return;
                    }

                    ctx.Response.ContentType = "application/grpc";
                    ctx.Response.Headers["grpc-status"] = "14";
                    return;
                }

                ctx.Response.StatusCode = fail ? int.Parse(_failWith, System.Globalization.CultureInfo.InvariantCulture) : 200;
                await ctx.Response.WriteAsync(fail ? "failed" : $"read {body.Length}");
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

    private void FailNext(int failures, string with = "503")
    {
        _failWith = with;
        Volatile.Write(ref _failuresLeft, failures);
        Volatile.Write(ref _calls, 0);
    }

    private void Use(string expression) =>
        _gateway.Use(Build.Middleware(new BufferingConfig(0, 1024, 0, 1024) { RetryExpression = RetryExpression.Parse(expression) }));

    [Test]
    public async Task An_answer_the_expression_holds_for_is_retried_with_the_whole_body_until_it_does_not()
    {
        Use("ResponseCode() == 503 && Attempts() < 3");
        using var http = Clients.Http();
        var payload = new string('x', 100_000); // past memRequestBodyBytes: replayed from the temporary file

        FailNext(2);
        using var recovered = await http.PostAsync(new Uri(_gateway.Http1Address, "/"), new StringContent(payload));
        var recoveredBody = await recovered.Content.ReadAsStringAsync();
        var recoveredCalls = Volatile.Read(ref _calls);

        FailNext(5);
        using var exhausted = await http.PostAsync(new Uri(_gateway.Http1Address, "/"), new StringContent(payload));
        var exhaustedBody = await exhausted.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(recovered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(recoveredBody, Is.EqualTo("read 100000"), "each attempt sent the whole body");
            Assert.That(recoveredCalls, Is.EqualTo(3));
            Assert.That(exhausted.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "Attempts() < 3 stops after the third");
            Assert.That(exhaustedBody, Is.EqualTo("failed"), "the caller sees only the last answer");
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Each_attempt_is_sent_as_the_call_came_not_as_the_last_attempt_left_it()
    {
        // addPrefix after buffering changes the path of each attempt: the retry must not add it a second time.
        _gateway.Use(
            Build.Middleware(new BufferingConfig(0, 1024, 0, 1024) { RetryExpression = RetryExpression.Parse("ResponseCode() == 503 && Attempts() < 3") }),
            Build.Middleware(new AddPrefixConfig("/api")));
        using var http = Clients.Http();

        FailNext(2);
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/x"));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(3));
            Assert.That(response.Headers.GetValues("X-Path"), Is.EqualTo(new[] { "/api/x" }), "the third attempt's path");
        });
    }

    [Test]
    public async Task A_broken_connection_is_a_network_error_and_a_status_not_named_is_not_retried()
    {
        Use("IsNetworkError() && Attempts() <= 2");
        using var http = Clients.Http();

        FailNext(1, "abort");
        using var afterAbort = await http.GetAsync(new Uri(_gateway.Http1Address, "/"));
        var abortCalls = Volatile.Read(ref _calls);

        FailNext(1, "500");
        using var internalError = await http.GetAsync(new Uri(_gateway.Http1Address, "/"));

        Assert.Multiple(() =>
        {
            Assert.That(afterAbort.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(abortCalls, Is.EqualTo(2));
            Assert.That(internalError.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RequestMethod_selects_the_calls_to_retry()
    {
        Use("RequestMethod() == \"GET\" && ResponseCode() >= 500");
        using var http = Clients.Http();

        FailNext(1);
        using var post = await http.PostAsync(new Uri(_gateway.Http1Address, "/"), new StringContent("p"));
        var postCalls = Volatile.Read(ref _calls);

        FailNext(1);
        using var get = await http.GetAsync(new Uri(_gateway.Http1Address, "/"));

        Assert.Multiple(() =>
        {
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(postCalls, Is.EqualTo(1));
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task No_more_than_ten_retries_whatever_the_expression_says()
    {
        Use("Attempts() > 0");
        using var http = Clients.Http();
        FailNext(100);
        using var response = await http.GetAsync(new Uri(_gateway.Http1Address, "/"));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(11), "oxy: the first attempt and 10 retries");
        });
    }

    [Test]
    public async Task A_grpc_answer_counts_by_its_grpc_status_and_a_broken_call_is_a_network_error()
    {
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;

        Use("ResponseCode() == 503 && Attempts() < 4");
        FailNext(2);
        var afterUnavailable = await client.UnaryAsync(new EchoRequest { Message = "hello" });
        var unavailableCalls = Volatile.Read(ref _calls);

        Use("IsNetworkError() && Attempts() < 2");
        FailNext(1, "abort");
        var afterAbort = await client.UnaryAsync(new EchoRequest { Message = "again" });

        Assert.Multiple(() =>
        {
            Assert.That(afterUnavailable.Message, Does.Contain("hello"), "the request message was sent again whole");
            Assert.That(unavailableCalls, Is.EqualTo(3));
            Assert.That(afterAbort.Message, Does.Contain("again"));
            Assert.That(Volatile.Read(ref _calls), Is.EqualTo(2));
        });
    }
}
