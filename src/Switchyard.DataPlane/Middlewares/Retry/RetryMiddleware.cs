using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Middlewares.Errors;
using Switchyard.DataPlane.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>The settings of one retry middleware (Traefik <c>pkg/middlewares/retry/retry.go</c>).</summary>
/// <param name="Statuses">Answers with these statuses are retried; null: only network errors are.</param>
/// <param name="Timeout">No attempt starts once this much time has passed since the first (zero: no limit).</param>
public sealed record RetryOptions(int Attempts, TimeSpan InitialInterval, StatusRanges? Statuses, TimeSpan Timeout,
    long MaxRequestBodyBytes, bool DisableRetryOnNetworkError, bool RetryNonIdempotentMethod);

/// <summary>
/// Traefik's retry. An attempt is made again, up to <c>attempts</c> in total, when
/// - its forwarding failed on the network before the backend answered (connect refused, connection closed before a
///   response; see <see cref="AttemptFailed"/>), unless disableRetryOnNetworkError; or
/// - its answer has one of <c>status</c>, for idempotent methods (not POST, PATCH, LOCK) unless
///   retryNonIdempotentMethod. A gRPC answer counts by its grpc-status (trailers-only UNAVAILABLE is 503, see
///   <see cref="GrpcHttpStatus"/>); a gRPC call is a POST, so this needs retryNonIdempotentMethod.
/// Never once anything reached the caller (headers included): the answer of a retried attempt is held back by
/// <see cref="RetryResponseGate"/>, any other goes straight through and commits the call. Never with a truncated
/// body: the bytes read from the caller are kept up to maxRequestBodyBytes, past that the call is not retried.
/// The pause starts at initialInterval and grows by 2^(1/(attempts−1)) per attempt (Traefik's backoff, without its
/// random jitter), so it never exceeds twice initialInterval; no attempt starts after <c>timeout</c>.
/// The balancer picks again per attempt, and each attempt starts from the request as it reached this middleware
/// (<see cref="RequestReplay"/>, Traefik's per-attempt clone): a service middleware of the first child does not
/// shape the second child's attempt.
/// </summary>
public sealed class RetryMiddleware(RetryOptions options) : IRouteMiddleware
{
    private readonly double _multiplier = options.Attempts > 1 ? Math.Pow(2, 1.0 / (options.Attempts - 1)) : 1;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var features = context.Features;
        var innerBody = features.Get<IHttpResponseBodyFeature>()!;
        var request = context.Request;
        var originalBody = request.Body;
        var tracking = new ReadTrackingStream(originalBody, options.MaxRequestBodyBytes);
        request.Body = tracking;
        var statuses = options.RetryNonIdempotentMethod || IsIdempotent(request.Method) ? options.Statuses : null;
        var started = TimeProvider.System.GetTimestamp();
        var attempt = 1;
        bool MoreAttempts() => attempt < options.Attempts
            && (options.Timeout <= TimeSpan.Zero || TimeProvider.System.GetElapsedTime(started) < options.Timeout);
        bool Retryable() => !tracking.CannotReplay
            && ((!options.DisableRetryOnNetworkError && AttemptFailed(context)) || (statuses is not null && statuses.Contains(GrpcHttpStatus.OfAnswer(context))));
        var gate = new RetryResponseGate(innerBody, () => MoreAttempts() && Retryable());
        using var replay = new RequestReplay(context);
        features.Set<IHttpResponseBodyFeature>(gate);
        try
        {
            var delay = options.InitialInterval;
            for (; ; attempt++)
            {
                gate.NextAttempt();
                await next(context);

                var retry = gate.Swallowed || (!context.Response.HasStarted && MoreAttempts() && Retryable());
                if (!retry || tracking.CannotReplay || context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                // Forget the failed attempt: its error marker and whatever it put in the headers; the next attempt
                // sends the body from its start.
                features.Set<IForwarderErrorFeature>(null);
                context.Response.Clear();
                replay.Restore();
                tracking.Rewind();
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, context.RequestAborted);
                    delay *= _multiplier;
                }
            }
        }
        finally
        {
            features.Set(innerBody);
            request.Body = originalBody;
        }
    }

    private static bool IsIdempotent(string method) =>
        !HttpMethods.IsPost(method) && !HttpMethods.IsPatch(method) && !string.Equals(method, "LOCK", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The attempt failed on the network before the backend answered: connect or headers (Request), or the
    /// connection broke while the request body was being sent and the caller is still here (YARP reports that as a
    /// request-body error on either side). The caller checks that the body can still be sent again whole.
    /// </summary>
    private static bool AttemptFailed(HttpContext context)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (ForwardFailure.ClientCaused(error) || ForwardFailure.ResponseCompleted(error))
        {
            return false; // a malformed request fails everywhere; a finished answer is no failure
        }

        return error?.Error switch
        {
            ForwarderError.Request => true,
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination or ForwarderError.RequestBodyCanceled =>
                !context.RequestAborted.IsCancellationRequested,
            _ => false,
        };
    }
}
