namespace Switchyard.DataPlane.Errors;

/// <summary>
/// The HTTP status a gRPC status stands for (google.rpc.Code's HTTP mapping): what the middlewares that judge answers
/// by HTTP status (circuitBreaker's ResponseCodeRatio, retry's <c>status</c>) see for a gRPC answer, whose HTTP status
/// is 200 whatever happened.
/// </summary>
public static class GrpcHttpStatus
{
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
