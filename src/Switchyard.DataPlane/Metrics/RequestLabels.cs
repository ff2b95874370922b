using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// The code/method/protocol labels of a request as small integers, so the request path indexes pre-built series
/// instead of building label strings. Methods outside the standard set share "OTHER" (bounded cardinality).
/// </summary>
internal static class RequestLabels
{
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "OTHER"];

    /// <summary>Traefik's protocol label values.</summary>
    public static readonly string[] Protocols = ["http", "grpc", "grpc-web", "websocket", "sse"];

    public const int Grpc = 1;
    public const int GrpcWeb = 2;

    public static int Method(string method)
    {
        // Kestrel hands out the interned HttpMethods strings for known methods: the reference checks hit first.
        if (ReferenceEquals(method, HttpMethods.Post)) return 2;
        if (ReferenceEquals(method, HttpMethods.Get)) return 0;
        for (var i = 0; i < Methods.Length - 1; i++)
        {
            if (string.Equals(method, Methods[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return Methods.Length - 1;
    }

    /// <summary>Traefik's order: websocket, sse, grpc-web, grpc, http.</summary>
    public static int Protocol(HttpRequest request)
    {
        if (request.ContentType is { } ct && ct.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return ct.Length > 16 && ct.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? GrpcWeb : Grpc;
        }

        var headers = request.Headers;
        if (headers.Upgrade.Count > 0 && string.Equals(headers.Upgrade[0], "websocket", StringComparison.OrdinalIgnoreCase))
        {
            return 3;
        }

        return headers.Accept.Count > 0 && headers.Accept[0] is { } accept && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) ? 4 : 0;
    }

    /// <summary>Key of a (method, protocol, code) cell; codes are HTTP's 100..999 (Kestrel enforces 3 digits) or a gRPC call's grpc-status 0..16.</summary>
    public static int Key(int method, int protocol, int code) => (method << 13) | (protocol << 10) | (code & 0x3FF);

    public static int MethodOf(int key) => key >> 13;

    public static int ProtocolOf(int key) => (key >> 10) & 0x7;

    public static int CodeOf(int key) => key & 0x3FF;
}
