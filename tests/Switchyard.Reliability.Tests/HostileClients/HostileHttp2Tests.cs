using System.Net;
using System.Net.Sockets;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.Reliability.Tests.HostileClients;

/// <summary>Legal but extreme HTTP/2 and gRPC input from a client: bounded, never a crash or a held connection.</summary>
[CancelAfter(60_000)]
public sealed class HostileHttp2Tests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    [TestCase("1200H")]
    [TestCase("99999999H")]
    [TestCase("99999999S")]
    public async Task AHugeButLegalGrpcTimeoutIsClamped_NotAServerError(string grpcTimeout)
    {
        await using var backend = await GrpcTestBackend.StartAsync("b");
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        using var http = new HttpClient();
        using var request = RawGrpc.Request(gw.Web.Port, "Unary", new EchoRequest { Message = "patient" }, grpcTimeout);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.TrailingHeaders.TryGetValues("grpc-status", out var s) ? s.Single() : null, Is.EqualTo("0"));
            Assert.That(EchoReply.Parser.ParseFrom(body.AsSpan(5).ToArray()).Message, Is.EqualTo("patient"));
        });
    }

    [Test]
    public async Task AnH2cClientTricklingAHeadersFrameIsCutAtTheHeaderTimeout()
    {
        var headerTimeout = TimeSpan.FromMilliseconds(500);
        await using var gw = await Gateway.StartAsync(web: o => o with { ReadHeaderTimeout = headerTimeout });

        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, gw.Web.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Preface);
        await stream.WriteAsync(new byte[] { 0, 0, 0, 0x4, 0, 0, 0, 0, 0 }); // empty SETTINGS

        // The server's side: read until it closes the connection.
        var closed = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        });

        // A HEADERS frame (stream 1, END_HEADERS) of 100 bytes, sent one byte every 100 ms: 10 s in all, twenty
        // times the header timeout. The server must close the connection before the frame is complete.
        var headers = new byte[9 + 100];
        headers[2] = 100;
        headers[3] = 0x1;
        headers[4] = 0x4 | 0x1;
        headers[8] = 1;
        var sent = 0;
        try
        {
            foreach (var b in headers)
            {
                if (closed.IsCompleted)
                {
                    break;
                }

                await stream.WriteAsync(new[] { b });
                sent++;
                await Task.WhenAny(closed, Task.Delay(100));
            }
        }
        catch (IOException)
        {
            // Writing to a connection the server closed.
        }

        // A write may fail (connection reset) a moment before the reader sees the close: give the reader its bound.
        await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.That(closed.IsCompleted, Is.True, "the server closed the connection ...");
        Assert.That(sent, Is.LessThan(headers.Length), "... before the trickled HEADERS frame was complete");
        TestContext.Out.WriteLine($"closed after {sent} of {headers.Length} bytes");
    }

    [Test]
    public async Task StreamsWhoseHeadersArrivedAreNotCutByTheHeaderTimeout()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b");
        await using var gw = await Gateway.StartAsync(web: o => o with { ReadHeaderTimeout = TimeSpan.FromMilliseconds(300) });
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        // Quiet gaps longer than the header timeout, on a connection whose header blocks all arrived.
        var client = new Echo.EchoClient(gw.Channel());
        using var call = client.ServerStream(new StreamRequest { Message = "slow", Count = 3, IntervalMs = 600 });
        var counts = new List<int>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            counts.Add(call.ResponseStream.Current.Count);
        }

        Assert.That(counts, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That((await client.UnaryAsync(new EchoRequest { Message = "again" })).Message, Is.EqualTo("again"), "the connection is still usable");
    }
}
