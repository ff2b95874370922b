using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// rateLimit with <c>redis</c>: the bucket of a source lives in Redis under <c>rate:&lt;middleware&gt;:&lt;source&gt;</c>
/// (Traefik's key form, <c>pkg/middlewares/ratelimiter/redis_limiter.go</c>), so every replica of the gateway draws
/// from the same bucket and together they admit average/period. Over the limit: as the in-memory limiter (429 with
/// Retry-After, gRPC RESOURCE_EXHAUSTED).
///
/// Redis unreachable, too slow (readTimeout + writeTimeout) or failing: the call is refused, as Traefik's
/// <c>rate_limiter.go</c> does ("Could not insert/update bucket", HTTP 500); gRPC callers get UNAVAILABLE, a status
/// their client may retry. The gateway never fails open (that would lift the limit for everybody exactly when the
/// shared store is down) and never waits longer than the timeouts.
/// </summary>
public sealed class RedisRateLimitMiddleware(string id, RedisConnections redis, long intervalMicros, long toleranceMicros,
    SourceExtractor source, ILogger logger) : IRouteMiddleware
{
    private const string Failure = "could not insert/update bucket";
    private readonly string _prefix = "rate:" + id + ":";
    private readonly RedisValue[] _arguments = [intervalMicros, toleranceMicros];
    private int _failing;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        bool admitted;
        TimeSpan retryAfter;
        try
        {
            var database = await redis.DatabaseAsync().WaitAsync(redis.Timeout, context.RequestAborted);
            var key = (RedisKey)(_prefix + source.Extract(context));
            var result = await database.ScriptEvaluateAsync(RedisBucketScript.Text, [key], _arguments).WaitAsync(redis.Timeout, context.RequestAborted);
            admitted = RedisBucketScript.Admitted(result, out retryAfter);
            if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
            {
                logger.LogInformation("rateLimit {Middleware}: Redis answers again", id);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException && !context.RequestAborted.IsCancellationRequested)
        {
            // Logged once per outage, not per call.
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                logger.LogWarning("rateLimit {Middleware}: Redis is unavailable, calls are refused until it answers: {Error}", id, ex.Message);
            }

            await RefuseAsync(context);
            return;
        }

        if (admitted)
        {
            await next(context);
            return;
        }

        await ProxyErrors.WriteAsync(context, ProxyErrorKind.ResourceExhausted, "rate limit exceeded", retryAfter);
    }

    private static Task RefuseAsync(HttpContext context)
    {
        if (ProxyErrors.IsGrpc(context.Request))
        {
            return ProxyErrors.WriteGrpcStatusAsync(context, 14, Failure);
        }

        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(Failure + "\n");
    }
}
