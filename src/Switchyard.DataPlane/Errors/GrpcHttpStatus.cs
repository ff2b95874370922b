using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Errors;

/// <summary>
/// The HTTP status a gRPC status stands for (google.rpc.Code's HTTP mapping): what the middlewares that judge answers
/// by HTTP status (circuitBreaker's ResponseCodeRatio, retry's <c>status</c>) see for a gRPC answer, whose HTTP status
/// is 200 whatever happened.
/// </summary>
public static class GrpcHttpStatus
{
    /// <summary>
    /// The status an answer stands for when it is judged by status (retry's <c>status</c>, failover's
    /// <c>errors.status</c>, buffering's <c>ResponseCode()</c>): its HTTP status, except a gRPC answer with HTTP 200
    /// and a grpc-status in its headers (trailers-only: the call ended before any message) counts as
    /// <see cref="Of"/> that grpc-status. A grpc-status in real trailers comes after messages the caller already has.
    /// </summary>
    public static int OfAnswer(HttpContext context)
    {
        var response = context.Response;
        var status = response.StatusCode;
        if (status == StatusCodes.Status200OK && ProxyErrors.IsGrpc(context.Request)
            && int.TryParse(response.Headers["grpc-status"], NumberStyles.None, CultureInfo.InvariantCulture, out var grpc))
        {
            return Of(grpc);
        }

        return status;
    }

    public static int Of(int grpcStatus) => grpcStatus switch
    {
        0 => 200,
        1 => 499,
        3 or 9 or 11 => 400,
        4 => 504,
        5 => 404,
        6 or 10 => 409,
        7 => 403,
        8 => 429,
        12 => 501,
        14 => 503,
        16 => 401,
        _ => 500, // UNKNOWN, INTERNAL, DATA_LOSS
    };
}
