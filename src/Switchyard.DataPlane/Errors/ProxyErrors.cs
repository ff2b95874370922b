using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Errors;

/// <summary>
/// Answers a request on the proxy's own behalf. gRPC callers get HTTP 200 with a trailers-only grpc-status
/// (Traefik sends a bare 404/502 that clients report as INTERNAL); gRPC-Web callers get the status in one
/// trailer frame; everybody else gets the plain HTTP status.
/// </summary>
public static class ProxyErrors
{
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } ct && ct.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    public static bool IsGrpcWeb(HttpRequest request) =>
        request.ContentType is { } ct && ct.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);

    public static int HttpStatus(ProxyErrorKind kind) => kind switch
    {
        ProxyErrorKind.NoRoute => StatusCodes.Status404NotFound,
        ProxyErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ProxyErrorKind.BadGateway => StatusCodes.Status502BadGateway,
        ProxyErrorKind.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        ProxyErrorKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        ProxyErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        ProxyErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status400BadRequest,
    };

    public static int GrpcStatus(ProxyErrorKind kind) => kind switch
    {
        ProxyErrorKind.NoRoute => 12,
        ProxyErrorKind.Unavailable or ProxyErrorKind.BadGateway => 14,
        ProxyErrorKind.DeadlineExceeded => 4,
        ProxyErrorKind.ResourceExhausted => 8,
        ProxyErrorKind.PermissionDenied => 7,
        ProxyErrorKind.Unauthenticated => 16,
        _ => 13,
    };

    /// <summary>Write the answer. Does nothing if the response has already started (the caller aborts instead).</summary>
    public static Task WriteAsync(HttpContext context, ProxyErrorKind kind, string message, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        if (retryAfter is { } ra)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ra.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (IsGrpc(context.Request))
        {
            return WriteGrpcStatus(context, GrpcStatus(kind), message);
        }

        response.StatusCode = HttpStatus(kind);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n");
    }

    /// <summary>
    /// Answer a gRPC or gRPC-Web caller with an explicit gRPC status (for middlewares whose status is not one of
    /// <see cref="ProxyErrorKind"/>'s, e.g. forwardAuth's INTERNAL). Does nothing if the response has started.
    /// </summary>
    public static Task WriteGrpcStatusAsync(HttpContext context, int grpcStatus, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return WriteGrpcStatus(context, grpcStatus, message);
    }

    /// <summary>The status as a gRPC-Web trailer frame, or as a trailers-only gRPC answer.</summary>
    private static Task WriteGrpcStatus(HttpContext context, int grpcStatus, string message)
    {
        if (IsGrpcWeb(context.Request))
        {
            return WriteGrpcWebAsync(context, grpcStatus, message);
        }

        WriteTrailersOnly(context.Response, grpcStatus, message);
        return Task.CompletedTask;
    }

    private static async Task WriteGrpcWebAsync(HttpContext context, int status, string message)
    {
        var response = context.Response;
        var text = context.Request.ContentType!.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = context.Request.ContentType; // the caller's own gRPC-Web type
        response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        var frame = TrailerFrame(status, message);
        var body = text ? Encoding.ASCII.GetBytes(Convert.ToBase64String(frame)) : frame;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.Body.WriteAsync(body);
    }

    /// <summary>A gRPC-Web trailer frame: flag 0x80, 4-byte big-endian length, then "name:value\r\n" lines.</summary>
    public static byte[] TrailerFrame(int status, string message) =>
        TrailerFrame($"grpc-status:{status}\r\ngrpc-message:{PercentEncode(message)}\r\n");

    /// <summary>A gRPC-Web trailer frame around already formatted "name:value\r\n" lines (ASCII).</summary>
    public static byte[] TrailerFrame(string lines)
    {
        var length = Encoding.ASCII.GetByteCount(lines);
        var frame = new byte[5 + length];
        frame[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)length);
        Encoding.ASCII.GetBytes(lines, frame.AsSpan(5));
        return frame;
    }

    /// <summary>
    /// A trailers-only gRPC answer: the status travels in the HEADERS frame that ends the stream (HTTP 200,
    /// application/grpc, grpc-status and percent-encoded grpc-message).
    /// </summary>
    public static void WriteTrailersOnly(HttpResponse response, int grpcStatus, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
    }

    /// <summary>
    /// The status of a gRPC call whose response has already started: trailers after the messages sent so far.
    /// Whatever trailers the backend had not sent yet are replaced.
    /// </summary>
    public static void AppendStatusTrailers(HttpResponse response, int grpcStatus, string message)
    {
        response.AppendTrailer("grpc-status", grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.AppendTrailer("grpc-message", PercentEncode(message));
    }

    /// <summary>grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2 spec): printable ASCII except '%' passes.</summary>
    public static string PercentEncode(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
