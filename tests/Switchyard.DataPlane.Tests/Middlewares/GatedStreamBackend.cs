using System.Buffers.Binary;
using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// A plain gRPC server stream (HTTP/2, real Kestrel) whose next message waits for the test's signal that the
/// previous one was received: "each message arrives before the next is sent" becomes an order of events, not a
/// timing margin. Messages are EchoReply { Message = "m", Count = n } (10 bytes framed: not a multiple of 3).
/// </summary>
public static class GatedStreamBackend
{
    public static readonly Method<StreamRequest, EchoReply> Method = new(MethodType.ServerStreaming, "gated.Echo", "ServerStream",
        Marshallers.Create(m => m.ToByteArray(), StreamRequest.Parser.ParseFrom),
        Marshallers.Create(m => m.ToByteArray(), EchoReply.Parser.ParseFrom));

    public static Task<GrpcTestBackend> StartAsync(int count, SemaphoreSlim received, ConcurrentQueue<string> events) =>
        GrpcTestBackend.StartAsync("gated", new GrpcTestBackendOptions
        {
            Configure = app => app.MapPost("/gated.Echo/ServerStream", async context =>
            {
                context.Response.ContentType = "application/grpc";
                for (var n = 1; n <= count; n++)
                {
                    if (n > 1 && !await received.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted))
                    {
                        events.Enqueue($"gave up waiting before message {n}");
                        return;
                    }

                    var message = new EchoReply { Message = "m", Count = n }.ToByteArray();
                    var frame = new byte[5 + message.Length];
                    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
                    message.CopyTo(frame, 5);
                    events.Enqueue("sent " + n); // before the write: the caller may read it at once
                    await context.Response.Body.WriteAsync(frame, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }

                context.Response.AppendTrailer("grpc-status", "0");
            }),
        });
}
