using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

[CancelAfter(60_000)]
public class ConnectionAgeTests
{
    [Test]
    public async Task MaxConnectionAge_SendsGoAway_RunningStreamFinishes_NextCallsUseANewConnection()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(w => w with { MaxConnectionAge = TimeSpan.FromSeconds(1) });
        gw.Apply(Table([Router("r", "svc")], new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }));

        var connects = 0;
        var port = gw.Web.Port;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    Interlocked.Increment(ref connects);
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            },
        });
        var client = new Echo.EchoClient(channel);

        // A stream that outlives the connection's age: GOAWAY lets it finish.
        using var stream = client.ServerStream(new StreamRequest { Count = 20, IntervalMs = 150 });
        var received = 0;
        await foreach (var _ in stream.ResponseStream.ReadAllAsync())
        {
            received++;
        }

        Assert.That(received, Is.EqualTo(20));
        Assert.That(stream.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));

        // New calls go over a new connection (the client rebalances).
        await Wait.UntilAsync(async () =>
        {
            await client.UnaryAsync(new EchoRequest());
            return Volatile.Read(ref connects) >= 2;
        }, TimeSpan.FromSeconds(10), "a second connection after GOAWAY");
    }
}
