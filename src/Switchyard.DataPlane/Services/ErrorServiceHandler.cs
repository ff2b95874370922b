using Switchyard.DataPlane.Errors;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// An explicit error answer (ErrorService, e.g. 503 for a Service without endpoints under allowEmptyServices,
/// or a broken reference in the tree). gRPC callers get the matching grpc-status (trailers-only), others
/// the HTTP status. Unavailable (a weighted parent skips it) unless <paramref name="available"/> (ErrorService.Available).
/// </summary>
public sealed class ErrorServiceHandler(int statusCode, string reason, bool available = false) : IServiceHandler
{
    public bool IsAvailable => available;

    public Task HandleAsync(HttpContext context)
    {
        if (KindOf(statusCode) is { } kind)
        {
            return ProxyErrors.WriteAsync(context, kind, reason);
        }

        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        if (ProxyErrors.IsGrpc(context.Request) && !ProxyErrors.IsGrpcWeb(context.Request))
        {
            ProxyErrors.WriteTrailersOnly(response, GrpcStatus, reason);
            return Task.CompletedTask;
        }

        if (ProxyErrors.IsGrpcWeb(context.Request))
        {
            // Rare codes: let the shared writer frame the trailer, with the closest gRPC meaning.
            return ProxyErrors.WriteAsync(context, statusCode >= 500 ? ProxyErrorKind.Unavailable : ProxyErrorKind.BadRequest, reason);
        }

        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(reason + "\n");
    }

    private static ProxyErrorKind? KindOf(int status) => status switch
    {
        404 => ProxyErrorKind.NoRoute,
        503 => ProxyErrorKind.Unavailable,
        502 => ProxyErrorKind.BadGateway,
        504 => ProxyErrorKind.DeadlineExceeded,
        429 => ProxyErrorKind.ResourceExhausted,
        403 => ProxyErrorKind.PermissionDenied,
        401 => ProxyErrorKind.Unauthenticated,
        400 => ProxyErrorKind.BadRequest,
        _ => null,
    };

    /// <summary>gRPC's "HTTP to gRPC status code mapping": codes not listed above are UNKNOWN (2).</summary>
    private const int GrpcStatus = 2;
}
