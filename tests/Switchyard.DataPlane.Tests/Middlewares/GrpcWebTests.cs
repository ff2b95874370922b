using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client.Web;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class GrpcWebTests
{
    private GrpcTestBackend _backend = null!;
    private TestGateway _gateway = null!;
    private readonly RequestCounter _requests = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Plain gRPC only, and strict about te: trailers (Traefik's grpcWeb fails here: traefik#10110).
        _backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options(requireTeTrailers: true, counter: _requests));
        _gateway = await TestGateway.StartAsync(_backend.Address);
        _gateway.Use(Build.Middleware(new GrpcWebConfig(["https://app.example"])));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private Uri Address(string transport) => transport == "h1" ? _gateway.Http1Address : _gateway.H2cAddress;

    private static Version Version(string transport) => transport == "h1" ? HttpVersion.Version11 : HttpVersion.Version20;

    [Test]
    public async Task UnaryCallWorksAndTrailersArrive(
        [Values(GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText)] GrpcWebMode mode, [Values("h1", "h2")] string transport)
    {
        var (channel, client) = Clients.GrpcWeb(Address(transport), mode, Version(transport));
        using var _ = channel;

        using var call = client.UnaryAsync(new EchoRequest { Message = "web", Payload = ByteString.CopyFrom(new byte[1000]) });
        var reply = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;

        Assert.Multiple(() =>
        {
            Assert.That(reply.Message, Is.EqualTo("web"));
            Assert.That(reply.Payload.Length, Is.EqualTo(1000));
            Assert.That(reply.Headers["te"], Is.EqualTo("trailers"));
            Assert.That(headers.GetValue("x-backend"), Is.EqualTo("b"));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
            Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b"));
        });
    }

    [Test]
    public async Task ServerStreamingDeliversEachMessageAsItArrives(
        [Values(GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText)] GrpcWebMode mode, [Values("h1", "h2")] string transport)
    {
        // The backend sends message N+1 only after the caller has received message N: a gateway that holds a
        // message back (e.g. the 1–2 bytes of a base64 group) stalls the stream, and the read times out.
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var received = new SemaphoreSlim(0);
        await using var backend = await GatedStreamBackend.StartAsync(count: 4, received, events);
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        gateway.Use(Build.Middleware(new GrpcWebConfig(["*"])));
        var (channel, _) = Clients.GrpcWeb(transport == "h1" ? gateway.Http1Address : gateway.H2cAddress, mode, Version(transport));
        using var __ = channel;

        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(GatedStreamBackend.Method, null, new CallOptions(), new StreamRequest());
        for (var n = 1; n <= 4; n++)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var next = call.ResponseStream.MoveNext(wait.Token);
            Assert.That(await Task.WhenAny(next, Task.Delay(Timeout.Infinite, wait.Token)), Is.SameAs(next),
                $"message {n} was not received while the backend waited for it to be (events: {string.Join(", ", events)})");
            Assert.That(await next, Is.True, $"message {n} (events: {string.Join(", ", events)})");
            events.Enqueue("received " + call.ResponseStream.Current.Count);
            received.Release();
        }

        Assert.That(await call.ResponseStream.MoveNext(), Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(events, Is.EqualTo(new[] { "sent 1", "received 1", "sent 2", "received 2", "sent 3", "received 3", "sent 4", "received 4" }));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        });
    }

    [Test]
    public async Task AnAnswerTheBackendFinishedBeforeTakingTheRequestBodyIsDeliveredNotReplacedByUnavailable(
        [Values(GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText)] GrpcWebMode mode, [Values("h1", "h2")] string transport)
    {
        // An unknown method: the gRPC server answers UNIMPLEMENTED at once (trailers-only) and never reads the 2 MB
        // body, more than its flow-control window, so the gateway's request-body copy fails after the answer is
        // complete (YARP reports RequestBodyDestination). The caller must get the backend's answer.
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, "switchyard.test.Echo", "NoSuchMethod",
            Marshallers.Create(m => m.ToByteArray(), EchoRequest.Parser.ParseFrom),
            Marshallers.Create(m => m.ToByteArray(), EchoReply.Parser.ParseFrom));
        var (channel, _) = Clients.GrpcWeb(Address(transport), mode, Version(transport));
        using var __ = channel;
        var invoker = channel.CreateCallInvoker();
        var statuses = new List<StatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(method, null, new CallOptions(),
                new EchoRequest { Payload = ByteString.CopyFrom(new byte[2 * 1024 * 1024]) }));
            statuses.Add(ex!.StatusCode);
        }

        Assert.That(statuses, Has.All.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public async Task ErrorStatusAndMessageArrive([Values(GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText)] GrpcWebMode mode)
    {
        var (channel, client) = Clients.GrpcWeb(_gateway.Http1Address, mode, HttpVersion.Version11);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.FailedPrecondition, FailMessage = "not now" }));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(ex.Status.Detail, Is.EqualTo("not now"));
    }

    [TestCase("application/grpc-web+proto", false)]
    [TestCase("application/grpc-web-text", true)]
    public async Task TrailersOnlyAnswerHasExactlyOneTrailerFrame(string contentType, bool text)
    {
        using var http = Clients.Http();
        var message = new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "gone" }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var body = text ? Encoding.ASCII.GetBytes(Convert.ToBase64String(frame)) : frame;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.Http1Address, "/switchyard.test.Echo/Unary"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("Origin", "https://app.example");
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsByteArrayAsync();
        var bytes = text ? Convert.FromBase64String(Encoding.ASCII.GetString(raw)) : raw;

        var frames = ParseFrames(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Does.StartWith(text ? "application/grpc-web-text" : "application/grpc-web"));
            Assert.That(frames, Has.Count.EqualTo(1), "exactly one frame (Traefik adds an empty second one: traefik#13842)");
            Assert.That(frames[0].Flags, Is.EqualTo(0x80), "it is a trailer frame");
            Assert.That(frames[0].Text, Does.Contain("grpc-status:5\r\n"));
            Assert.That(frames[0].Text, Does.Contain("grpc-message:gone\r\n"));
            Assert.That(response.Headers.Contains("grpc-status"), Is.False, "the status travels in the frame only");
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://app.example"));
            Assert.That(response.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("grpc-status").And.Contain("grpc-message"));
        });
    }

    [TestCase("application/grpc-web+proto", false)]
    [TestCase("application/grpc-web", false)]
    [TestCase("application/grpc-web-text", true)]
    [TestCase("application/grpc-web-text+proto", true)]
    public async Task TheAnswerCarriesTheRequestsContentTypeAndExposesOnlyTheSpecsAndTheRoutesHeaders(string contentType, bool text)
    {
        await using var gateway = await TestGateway.StartAsync(_backend.Address);
        gateway.Use(
            Build.Middleware(new HeadersConfig { AccessControlExposeHeaders = ["x-backend"] }),
            Build.Middleware(new GrpcWebConfig(["https://app.example"])));
        using var http = Clients.Http();
        var message = new EchoRequest { Message = "typed" }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Http1Address, "/switchyard.test.Echo/Unary"))
        {
            Content = new ByteArrayContent(text ? Encoding.ASCII.GetBytes(Convert.ToBase64String(frame)) : frame),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("Origin", "https://app.example");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo(contentType));
            Assert.That(response.Headers.GetValues("x-backend").Single(), Is.EqualTo("b"), "the backend's own header is there ...");
            Assert.That(exposed, Is.EquivalentTo(new[] { "grpc-status", "grpc-message", "grpc-status-details-bin", "x-backend" }),
                "... and exposed only because the route's headers middleware says so");
        });
    }

    [Test]
    public async Task TextRequestsPaddedMidStreamAreDecodedAndTheAnswerIsOneDataAndOneTrailerFrame()
    {
        using var http = Clients.Http(HttpVersion.Version20);
        var message = new EchoRequest { Message = "padded" }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);

        // Two chunks, each base64-padded on its own (a client may pad every chunk it sends).
        var body = Convert.ToBase64String(frame, 0, 2) + Convert.ToBase64String(frame, 2, frame.Length - 2);
        Assert.That(body.IndexOf('=', StringComparison.Ordinal), Is.LessThan(body.Length - 4), "padding sits mid-stream");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.H2cAddress, "/switchyard.test.Echo/Unary"))
        {
            Content = new StringContent(body, Encoding.ASCII),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc-web-text");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var frames = ParseFrames(DecodePaddedChunks(text));

        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(2));
            Assert.That(frames[0].Flags, Is.EqualTo(0));
            Assert.That(EchoReply.Parser.ParseFrom(Encoding.Latin1.GetBytes(frames[0].Text)).Message, Is.EqualTo("padded"));
            Assert.That(frames[1].Flags, Is.EqualTo(0x80));
            Assert.That(frames[1].Text, Does.Contain("grpc-status:0"));
        });
    }

    /// <summary>Base64 that may be padded at any 4-character boundary: decode run by run.</summary>
    private static byte[] DecodePaddedChunks(string text)
    {
        var bytes = new List<byte>();
        var runStart = 0;
        for (var group = 0; group < text.Length; group += 4)
        {
            var groupEnd = Math.Min(group + 4, text.Length);
            if (text.AsSpan(group, groupEnd - group).Contains('=') || groupEnd == text.Length)
            {
                bytes.AddRange(Convert.FromBase64String(text[runStart..groupEnd]));
                runStart = groupEnd;
            }
        }

        return [.. bytes];
    }

    [Test]
    public async Task PreflightIsAnsweredForAllowedOriginsWithoutReachingTheBackend()
    {
        using var http = Clients.Http();
        var before = _requests.Count;

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, new Uri(_gateway.Http1Address, "/switchyard.test.Echo/Unary"));
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent");
            return await http.SendAsync(request);
        }

        using var allowed = await Preflight("https://app.example");
        using var denied = await Preflight("https://evil.example");

        Assert.Multiple(() =>
        {
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://app.example"));
            Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), Is.EqualTo("content-type,x-grpc-web,x-user-agent"));
            Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("POST"));
            Assert.That(denied.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
            Assert.That(_requests.Count, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task WildcardAllowsAnyOrigin()
    {
        await using var gateway = await TestGateway.StartAsync(_backend.Address);
        gateway.Use(Build.Middleware(new GrpcWebConfig(["*"])));
        using var http = Clients.Http();
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(gateway.Http1Address, "/switchyard.test.Echo/Unary"));
        request.Headers.Add("Origin", "https://anything.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await http.SendAsync(request);

        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://anything.example"));
    }

    [Test]
    public async Task PlainGrpcPassesThroughUntouched()
    {
        var (channel, client) = Clients.Grpc(_gateway.H2cAddress);
        using var _ = channel;
        using var call = client.UnaryAsync(new EchoRequest { Message = "plain" });
        Assert.That((await call.ResponseAsync).Message, Is.EqualTo("plain"));
        Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-b"));
    }

    [Test]
    public async Task AGatewayErrorBehindGrpcWebReachesTheBrowserClientAsItsStatus(
        [Values(GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText)] GrpcWebMode mode)
    {
        // grpcWeb first, then rateLimit (as config/manifests does): the limiter answers trailers-only gRPC,
        // grpcWeb turns it into one trailer frame.
        await using var gateway = await TestGateway.StartAsync(_backend.Address);
        gateway.Use(
            Build.Middleware(new GrpcWebConfig(["*"])),
            Build.Middleware(new RateLimitConfig(1, TimeSpan.FromMinutes(1), 1, SourceCriterionConfig.RemoteAddress)));
        var (channel, client) = Clients.GrpcWeb(gateway.Http1Address, mode, HttpVersion.Version11);
        using var _ = channel;

        await client.UnaryAsync(new EchoRequest { Message = "first" });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { Message = "second" }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(ex.Status.Detail, Is.EqualTo("rate limit exceeded"));
        });
    }

    private static List<(byte Flags, string Text)> ParseFrames(byte[] bytes)
    {
        var frames = new List<(byte, string)>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            Assert.That(bytes.Length - offset, Is.GreaterThanOrEqualTo(5), "truncated frame header");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 1));
            frames.Add((bytes[offset], Encoding.Latin1.GetString(bytes, offset + 5, length)));
            offset += 5 + length;
        }

        return frames;
    }
}
