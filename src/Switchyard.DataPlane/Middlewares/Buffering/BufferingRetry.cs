using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Middlewares.Buffering;

/// <summary>
/// Runs buffering's parsed retryExpression against the buffered answer of an attempt (oxy buffer/threshold.go):
/// <c>Attempts()</c> is the number of attempts made, <c>ResponseCode()</c> the answer's status, <c>IsNetworkError()</c>
/// that status being 502 or 504, <c>RequestMethod()</c> the caller's method.
/// </summary>
internal static class BufferingRetry
{
    public static bool Holds(RetryCondition condition, HttpContext context, int attempts, int responseCode) => condition switch
    {
        RetryCondition.Or or => Holds(or.Left, context, attempts, responseCode) || Holds(or.Right, context, attempts, responseCode),
        RetryCondition.And and => Holds(and.Left, context, attempts, responseCode) && Holds(and.Right, context, attempts, responseCode),
        RetryCondition.IsNetworkError => responseCode is StatusCodes.Status502BadGateway or StatusCodes.Status504GatewayTimeout,
        RetryCondition.Comparison c => Compare(c.Value == RetryValue.Attempts ? attempts : responseCode, c.Operator, c.Number),
        RetryCondition.MethodIs m => string.Equals(context.Request.Method, m.Method, StringComparison.Ordinal) == m.Equal,
        _ => false,
    };

    /// <summary>
    /// The status a buffered answer stands for. HTTP: its status (the proxy's own 502/504 when forwarding failed, as in
    /// Traefik). gRPC (always HTTP 200): when forwarding failed, the status an HTTP caller would have had (504 for a
    /// deadline, else 502), so IsNetworkError() means the same for both; otherwise its grpc-status — from the headers
    /// (trailers-only) or, the answer being held whole, from its trailers — mapped as <see cref="GrpcHttpStatus.Of"/>.
    /// </summary>
    public static int ResponseCode(HttpContext context)
    {
        if (!ProxyErrors.IsGrpc(context.Request) || context.Response.StatusCode != StatusCodes.Status200OK)
        {
            return context.Response.StatusCode;
        }

        var grpcStatus = context.Response.Headers["grpc-status"];
        if (grpcStatus.Count == 0)
        {
            grpcStatus = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"] ?? default;
        }

        var known = int.TryParse(grpcStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var grpc);
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is not null && !ForwardFailure.ResponseCompleted(error) && !ForwardFailure.ClientCaused(error))
        {
            return known && grpc == ProxyErrors.GrpcStatus(ProxyErrorKind.DeadlineExceeded)
                ? StatusCodes.Status504GatewayTimeout
                : StatusCodes.Status502BadGateway;
        }

        return known ? GrpcHttpStatus.Of(grpc) : StatusCodes.Status200OK;
    }

    private static bool Compare(int value, BreakerOperator op, int number) => op switch
    {
        BreakerOperator.Greater => value > number,
        BreakerOperator.Less => value < number,
        BreakerOperator.GreaterOrEqual => value >= number,
        BreakerOperator.LessOrEqual => value <= number,
        BreakerOperator.Equal => value == number,
        BreakerOperator.NotEqual => value != number,
        _ => false,
    };
}
