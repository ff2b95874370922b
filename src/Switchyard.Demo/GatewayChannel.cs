using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Switchyard.Demo;

/// <summary>
/// An h2c channel that connects to the gateway's address but sends <c>authority</c> as the host the routes
/// match (grpc.localhost by default) — without relying on DNS for *.localhost.
/// </summary>
internal static class GatewayChannel
{
    public static GrpcChannel Create(Uri gateway, string authority)
    {
        var target = new IPEndPoint(IPAddress.Parse(gateway.Host == "localhost" ? "127.0.0.1" : gateway.Host), gateway.Port);
        return GrpcChannel.ForAddress($"http://{authority}:{gateway.Port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(target, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            },
        });
    }
}
