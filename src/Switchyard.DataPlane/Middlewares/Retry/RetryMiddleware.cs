using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>
/// Traefik's retry: a call whose forwarding failed on the network (connect refused, connection closed before a
/// response; see <see cref="AttemptFailed"/>) is sent again, up to <c>attempts</c> in total, waiting
/// initialInterval, then twice as long each time. Only while nothing was sent to the client and the request body
/// can be sent again whole (ReadTrackingStream keeps up to 64 KB of it) — so a unary gRPC call is retried, a
/// client stream that already went past that is not.
/// A backend's answer (any status, any grpc-status) is never retried. The balancer picks again per attempt.
/// </summary>
public sealed class RetryMiddleware(int attempts, TimeSpan initialInterval) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var features = context.Features;
        var innerBody = features.Get<IHttpResponseBodyFeature>()!;
        var request = context.Request;
        var originalBody = request.Body;
        var tracking = new ReadTrackingStream(originalBody);
        request.Body = tracking;
        var gate = new RetryResponseGate(innerBody, () => AttemptFailed(context) && !tracking.CannotReplay);
        features.Set<IHttpResponseBodyFeature>(gate);
        try
        {
            var delay = initialInterval;
            for (var attempt = 1; ; attempt++)
            {
                gate.NextAttempt();
                gate.CanRetry = attempt < attempts;
                await next(context);

                var failedQuietly = gate.Swallowed || (AttemptFailed(context) && !context.Response.HasStarted);
                if (!gate.CanRetry || !failedQuietly || tracking.CannotReplay || context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                // Forget the failed attempt: its error marker and whatever the error writer put in the headers;
                // the next attempt sends the body from its start.
                features.Set<IForwarderErrorFeature>(null);
                context.Response.Clear();
                tracking.Rewind();
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, context.RequestAborted);
                    delay *= 2;
                }
            }
        }
        finally
        {
            features.Set(innerBody);
            request.Body = originalBody;
        }
    }

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

public sealed class RetryFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RetryConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (RetryConfig)config;
        if (c.Attempts <= 0)
        {
            throw new ArgumentException("retry: attempts must be positive");
        }

        if (c.InitialInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("retry: initialInterval must not be negative");
        }

        // The compiler already bounds both with a warning; a hand-built table is bounded here too.
        return new RetryMiddleware(Math.Min(c.Attempts, RetryConfig.MaxAttempts), c.InitialInterval < RetryConfig.MinInterval ? RetryConfig.MinInterval : c.InitialInterval);
    }
}
