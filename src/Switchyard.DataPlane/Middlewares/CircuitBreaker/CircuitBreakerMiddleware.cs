using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.CircuitBreaker;

/// <summary>
/// Traefik's circuitBreaker. Records every answer of what follows it in the chain, trips when the expression
/// holds, and answers with the fallback while tripped: HTTP callers get responseCode (default 503) with its
/// reason phrase, gRPC callers UNAVAILABLE. gRPC answers are HTTP 200 whatever happened, so their grpc-status is
/// mapped to the HTTP status it stands for (INTERNAL/UNKNOWN/DATA_LOSS → 500, UNAVAILABLE → 503,
/// DEADLINE_EXCEEDED → 504, ...) for ResponseCodeRatio, and UNAVAILABLE / DEADLINE_EXCEEDED count as network
/// errors, like 502 / 504 do for HTTP.
/// </summary>
public sealed class CircuitBreakerMiddleware(BreakerState state, int responseCode) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!state.Allow())
        {
            await FallbackAsync(context);
            return;
        }

        var time = state.Time;
        var start = time.GetTimestamp();
        try
        {
            await next(context);
        }
        catch when (!context.RequestAborted.IsCancellationRequested)
        {
            Record(start, 502, networkError: true);
            throw;
        }

        // A malformed request is the caller's fault, not the service's: it counts nowhere.
        if (!context.RequestAborted.IsCancellationRequested && !Forwarding.ClientFaultFeature.IsSet(context))
        {
            var (status, networkError) = Outcome(context);
            Record(start, status, networkError);
        }
    }

    private void Record(long start, int status, bool networkError)
    {
        var time = state.Time;
        var now = time.GetTimestamp();
        state.Metrics.Record(state.Second(now), status, networkError, time.GetElapsedTime(start, now));
        state.Check();
    }

    private static (int Status, bool NetworkError) Outcome(HttpContext context)
    {
        var response = context.Response;
        var status = response.StatusCode;
        if (status == StatusCodes.Status200OK && ProxyErrors.IsGrpc(context.Request))
        {
            var grpc = response.Headers["grpc-status"];
            if (grpc.Count == 0 && context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers)
            {
                grpc = trailers["grpc-status"];
            }

            if (int.TryParse(grpc.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                status = GrpcHttpStatus.Of(code);
                return (status, code is 14 or 4);
            }
        }

        return (status, status is StatusCodes.Status502BadGateway or StatusCodes.Status504GatewayTimeout);
    }

    private Task FallbackAsync(HttpContext context)
    {
        if (ProxyErrors.IsGrpc(context.Request))
        {
            return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, "circuit breaker is open");
        }

        context.Response.StatusCode = responseCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(ReasonPhrases.GetReasonPhrase(responseCode));
    }
}

/// <summary>
/// Builds circuitBreaker. The state lives in the swap state under id + config, so a swap keeps a tripped
/// breaker tripped. The table builder passes a per-router id ("middleware@router"): like Traefik, every
/// router gets its own breaker.
/// </summary>
public sealed class CircuitBreakerFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(CircuitBreakerConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (CircuitBreakerConfig)config;
        var condition = BreakerPredicate.Compile(c.Expression.Condition);
        if (c.CheckPeriod <= TimeSpan.Zero || c.FallbackDuration <= TimeSpan.Zero || c.RecoveryDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException("circuitBreaker: checkPeriod, fallbackDuration and recoveryDuration must be positive");
        }

        if (c.ResponseCode is < 100 or > 599)
        {
            throw new ArgumentException($"circuitBreaker: responseCode {c.ResponseCode} is not an HTTP status");
        }

        var time = context.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var key = string.Create(CultureInfo.InvariantCulture,
            $"circuitBreaker|{id}|{c.Expression.Text}|{c.CheckPeriod.Ticks}|{c.FallbackDuration.Ticks}|{c.RecoveryDuration.Ticks}");
        var state = context.State.GetOrAdd(key, () => new BreakerState(condition, c.CheckPeriod, c.FallbackDuration, c.RecoveryDuration, time));
        return new CircuitBreakerMiddleware(state, c.ResponseCode);
    }
}
