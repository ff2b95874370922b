using System.Net;
using System.Net.Http;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>Real gRPC / gRPC-Web callers of a TestGateway.</summary>
public static class Clients
{
    public static (GrpcChannel Channel, Echo.EchoClient Client) Grpc(Uri h2cAddress)
    {
        var channel = GrpcChannel.ForAddress(h2cAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        });
        return (channel, new Echo.EchoClient(channel));
    }

    public static (GrpcChannel Channel, Echo.EchoClient Client) GrpcWeb(Uri address, GrpcWebMode mode, Version httpVersion)
    {
        var handler = new GrpcWebHandler(mode, new SocketsHttpHandler { UseProxy = false });
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = httpVersion,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        return (channel, new Echo.EchoClient(channel));
    }

    public static HttpClient Http(Version? version = null) => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        DefaultRequestVersion = version ?? HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
