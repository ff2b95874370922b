using System.Net;
using System.Net.Http;
using Google.Protobuf;
using Grpc.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>buffering through the wire: limits both ways, bodies spilled to disk arrive intact, gRPC trailers kept.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class BufferingTests : EchoGatewayFixture
{
    private static async Task<(StatusCode Code, EchoReply? Reply)> CallAsync(Echo.EchoClient client, int payloadBytes)
    {
        try
        {
            var reply = await client.UnaryAsync(new EchoRequest { Message = "m", Payload = ByteString.CopyFrom(new byte[payloadBytes].Select((_, i) => (byte)i).ToArray()) });
            return (StatusCode.OK, reply);
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, null);
        }
    }

    [Test]
    public async Task AGrpcRequestOverMaxRequestBodyBytesIsResourceExhaustedAndASpilledOneArrivesIntact()
    {
        // 100 bytes in memory, then a temporary file: a 50 kB request goes through the file.
        Gateway.Use(Build.Middleware(new BufferingConfig(64 * 1024, 100, 0, 100)));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        var fits = await CallAsync(client, 50_000);
        var before = Backend.Calls;
        var tooLarge = await CallAsync(client, 70_000);

        Assert.Multiple(() =>
        {
            Assert.That(fits.Code, Is.EqualTo(StatusCode.OK), "trailers of a buffered answer still carry grpc-status");
            Assert.That(fits.Reply!.Payload.Length, Is.EqualTo(50_000));
            Assert.That(fits.Reply.Payload[49_999], Is.EqualTo((byte)(49_999 % 256)));
            Assert.That(tooLarge.Code, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(Backend.Calls, Is.EqualTo(before), "a request over the limit never reaches the service");
        });
    }

    [Test]
    public async Task AGrpcAnswerOverMaxResponseBodyBytesIsReplacedByResourceExhausted()
    {
        Gateway.Use(Build.Middleware(new BufferingConfig(0, 1024 * 1024, 10_000, 1024)));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        var small = await CallAsync(client, 5_000);
        var large = await CallAsync(client, 20_000);

        Assert.Multiple(() =>
        {
            Assert.That(small.Code, Is.EqualTo(StatusCode.OK));
            Assert.That(small.Reply!.Payload.Length, Is.EqualTo(5_000));
            Assert.That(large.Code, Is.EqualTo(StatusCode.ResourceExhausted));
        });
    }

    [Test]
    public async Task HttpLimitsAre413ForRequestsAnd500ForAnswers()
    {
        Gateway.Use(Build.Middleware(new BufferingConfig(1000, 100, 2000, 100)));
        using var http = Clients.Http();

        var before = Requests.Count;
        using var declared = await http.PostAsync(new Uri(Gateway.Http1Address, "/up"), new ByteArrayContent(new byte[1500]));
        using var chunkedContent = new StreamContent(new MemoryStream(new byte[1500]));
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway.Http1Address, "/up")) { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await http.SendAsync(chunkedRequest);
        var rejected = Requests.Count - before;

        using var fits = await http.PostAsync(new Uri(Gateway.Http1Address, "/up"), new ByteArrayContent(new byte[900]));
        var fitsBody = await fits.Content.ReadAsStringAsync();
        using var smallAnswer = await http.GetAsync(new Uri(Gateway.Http1Address, "/?size=1500"));
        var smallBody = await smallAnswer.Content.ReadAsStringAsync();
        using var largeAnswer = await http.GetAsync(new Uri(Gateway.Http1Address, "/?size=3000"));
        var largeBody = await largeAnswer.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(chunked.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), "a chunked body is counted as it is read");
            Assert.That(rejected, Is.Zero);
            Assert.That(fits.StatusCode, Is.EqualTo(HttpStatusCode.OK), fitsBody);
            Assert.That(smallAnswer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(smallBody, Is.EqualTo(new string('a', 1500)));
            Assert.That(smallAnswer.Content.Headers.ContentLength, Is.EqualTo(1500), "a buffered answer has a known length");
            Assert.That(largeAnswer.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(largeBody, Does.Contain("maxResponseBodyBytes"));
        });
    }
}
