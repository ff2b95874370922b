using System.Net;
using Google.Protobuf;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>Hand-made gRPC requests (also linked into Reliability.Tests): what a client library would not send.</summary>
internal static class RawGrpc
{
    /// <summary>One length-prefixed gRPC message to an Echo method over HTTP/2, with a grpc-timeout header.</summary>
    public static HttpRequestMessage Request(int port, string method, Google.Protobuf.IMessage message, string grpcTimeout)
    {
        var bytes = message.ToByteArray();
        var frame = new byte[5 + bytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/switchyard.test.Echo/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-timeout", grpcTimeout);
        return request;
    }
}
