using Bench.Greet;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Usage: Bench.Backend PORT — serves greet.Greeter on 127.0.0.1:PORT (h2c), and OTLP/gRPC TraceService/Export
// (decodes every export, counts its spans; GET /otlp/spans answers the count) for the tracing variants.
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
app.MapGrpcService<TraceSink>();
app.MapGet("/otlp/spans", () => TraceSink.Spans.ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Run();

internal sealed class TraceSink : Switchyard.TestKit.Otlp.TraceService.TraceServiceBase
{
    private static long _spans;

    public static long Spans => Interlocked.Read(ref _spans);

    public override Task<Switchyard.TestKit.Otlp.ExportTraceServiceResponse> Export(
        Switchyard.TestKit.Otlp.ExportTraceServiceRequest request, ServerCallContext context)
    {
        var n = 0;
        foreach (var resource in request.ResourceSpans)
        {
            foreach (var scope in resource.ScopeSpans)
            {
                n += scope.Spans.Count;
            }
        }

        Interlocked.Add(ref _spans, n);
        return Task.FromResult(new Switchyard.TestKit.Otlp.ExportTraceServiceResponse());
    }
}

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
