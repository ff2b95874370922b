using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Net.Client;
using Switchyard.DataPlane.Services;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>
/// TraefikService.highestRandomWeight through real sockets: callers from different loopback addresses (127.0.0.n)
/// each stay on one child service, the children share the callers, and a child that becomes unavailable hands its
/// callers over while the others stay put.
/// </summary>
[CancelAfter(30_000)]
public sealed class HighestRandomWeightWireTests
{
    /// <summary>A gRPC client whose connections leave from <paramref name="local"/> (a caller with its own address).</summary>
    private static (GrpcChannel Channel, Echo.EchoClient Client) ClientFrom(Uri gateway, IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var channel = GrpcChannel.ForAddress(gateway, new GrpcChannelOptions { HttpHandler = handler });
        return (channel, new Echo.EchoClient(channel));
    }

    [Test]
    public async Task Each_client_address_stays_on_one_child_and_only_the_callers_of_a_lost_child_move()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var b = await GrpcTestBackend.StartAsync("b");
        var table = Tables.With(
            ("svc-a", Tables.Lb([Tables.H2c(a)], health: Tables.Grpc(TimeSpan.FromMilliseconds(100)))),
            ("svc-b", Tables.Lb([Tables.H2c(b)])),
            ("root", new HighestRandomWeightService([new WeightedChild("svc-a", 1), new WeightedChild("svc-b", 1)])));
        await using var gateway = await BalancingGateway.StartAsync(table, "root");

        var placed = new Dictionary<int, string>();
        for (var n = 1; n <= 16; n++)
        {
            var (channel, client) = ClientFrom(gateway.Address, IPAddress.Parse($"127.0.0.{n}"));
            using (channel)
            {
                var servers = new HashSet<string>();
                for (var i = 0; i < 3; i++)
                {
                    servers.Add((await client.UnaryAsync(new EchoRequest { Message = "h" })).Server);
                }

                Assert.That(servers, Has.Count.EqualTo(1), $"127.0.0.{n} always lands on one child");
                placed[n] = servers.Single();
            }
        }

        TestContext.Out.WriteLine("hrw placement: " + string.Join(", ", placed.Select(p => $"{p.Key}→{p.Value}")));
        Assert.That(placed.Values.Distinct().Count(), Is.EqualTo(2), "both children get callers");

        a.Health.SetStatus("", Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing);
        await Wait.UntilAsync(() => !gateway.Handler("svc-a").IsAvailable, TimeSpan.FromSeconds(10), "svc-a unavailable");
        foreach (var (n, before) in placed)
        {
            var (channel, client) = ClientFrom(gateway.Address, IPAddress.Parse($"127.0.0.{n}"));
            using (channel)
            {
                Assert.That((await client.UnaryAsync(new EchoRequest { Message = "h" })).Server, Is.EqualTo("b"),
                    before == "b" ? "a caller of b stays on b" : "a caller of the lost child moves to b");
            }
        }

        var hrw = (HighestRandomWeightHandler)gateway.Handler("root");
        Assert.That(hrw.Pick(IPAddress.Parse("127.0.0.1")), Is.EqualTo(1), "with svc-a down every address picks svc-b");
    }

    [Test]
    public void A_child_with_weight_0_gets_no_calls()
    {
        var always = new FixedHandler(true);
        var hrw = new HighestRandomWeightHandler("root", [always, always], ["x", "y"], [0, 5]);
        for (var n = 1; n <= 50; n++)
        {
            Assert.That(hrw.Pick(IPAddress.Parse($"10.0.0.{n}")), Is.EqualTo(1));
        }

        var none = new HighestRandomWeightHandler("root", [always], ["x"], [0]);
        Assert.Multiple(() =>
        {
            Assert.That(none.Pick(IPAddress.Loopback), Is.EqualTo(-1));
            Assert.That(none.IsAvailable, Is.False);
        });
    }

    private sealed class FixedHandler(bool available) : IServiceHandler
    {
        public bool IsAvailable => available;

        public Task HandleAsync(Microsoft.AspNetCore.Http.HttpContext context) => Task.CompletedTask;
    }
}
