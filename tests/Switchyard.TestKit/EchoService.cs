using Grpc.Core;
using Switchyard.TestKit.Grpc;

namespace Switchyard.TestKit;

/// <summary>The Echo service of <see cref="GrpcTestBackend"/>: answers with its name and the headers it saw.</summary>
internal sealed class EchoService(GrpcTestBackend backend) : Echo.EchoBase
{
    public override async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        backend.CountCall();
        using var cancellation = new CancellationCount(backend, context.CancellationToken);
        await Prepare(request, context);
        await context.WriteResponseHeadersAsync(new Metadata { { "x-backend", backend.Name } });
        context.ResponseTrailers.Add("x-trailer", "unary-" + backend.Name);
        return Reply(request.Message, request.Payload, context, 1);
    }

    public override async Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        backend.CountCall();
        using var cancellation = new CancellationCount(backend, context.CancellationToken);
        for (var i = 1; i <= request.Count; i++)
        {
            if (i > 1 && request.IntervalMs > 0)
            {
                await Task.Delay(request.IntervalMs, context.CancellationToken);
            }

            await responseStream.WriteAsync(Reply(request.Message, Google.Protobuf.ByteString.Empty, context, i));
        }

        context.ResponseTrailers.Add("x-trailer", "stream-" + backend.Name);
    }

    public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        backend.CountCall();
        using var cancellation = new CancellationCount(backend, context.CancellationToken);
        var count = 0;
        var last = "";
        await foreach (var m in requestStream.ReadAllAsync(context.CancellationToken))
        {
            count++;
            last = m.Message;
        }

        return Reply(last, Google.Protobuf.ByteString.Empty, context, count);
    }

    public override async Task Bidi(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        backend.CountCall();
        using var cancellation = new CancellationCount(backend, context.CancellationToken);
        var count = 0;
        await foreach (var m in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await Prepare(m, context);
            await responseStream.WriteAsync(Reply(m.Message, m.Payload, context, ++count));
        }
    }

    private static async Task Prepare(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        if (request.FailWithStatus != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailWithStatus, request.FailMessage));
        }
    }

    private EchoReply Reply(string message, Google.Protobuf.ByteString payload, ServerCallContext context, int count)
    {
        var reply = new EchoReply { Message = message, Payload = payload, Server = backend.Name, Count = count };
        foreach (var h in context.RequestHeaders)
        {
            if (!h.IsBinary)
            {
                reply.Headers[h.Key] = h.Value;
            }
        }

        var http = context.GetHttpContext();
        reply.Headers[":authority"] = http.Request.Host.Value ?? "";
        reply.Headers[":path"] = http.Request.Path.Value ?? "";
        foreach (var name in new[] { "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "te" })
        {
            if (http.Request.Headers.TryGetValue(name, out var v))
            {
                reply.Headers[name] = v.ToString();
            }
        }

        return reply;
    }
}
