using Bench.Greet;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Usage: Bench.Backend PORT — serves greet.Greeter on 127.0.0.1:PORT (h2c).
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddGrpc();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2);
});
var app = builder.Build();
app.MapGrpcService<GreeterService>();
app.Run();

internal sealed class GreeterService : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = "Hello " + request.Name });

    public override async Task StreamHellos(HelloRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        var reply = new HelloReply { Message = "Hello " + request.Name };
        for (var i = 0; i < request.Count && !context.CancellationToken.IsCancellationRequested; i++)
        {
            await responseStream.WriteAsync(reply);
        }
    }
}
