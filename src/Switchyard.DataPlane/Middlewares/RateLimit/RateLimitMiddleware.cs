using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// Traefik's rateLimit: one token bucket per source. Over the limit: gRPC callers get RESOURCE_EXHAUSTED
/// (trailers-only), HTTP callers 429 with Retry-After. Unlike Traefik we never hold a request back to
/// shape traffic (Traefik sleeps up to 1/(2·rate)); the call is admitted or answered at once.
/// </summary>
public sealed class RateLimitMiddleware(RateLimitBuckets buckets, SourceExtractor source) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (buckets.TryTake(source.Extract(context), out var retryAfter))
        {
            return next(context);
        }

        return ProxyErrors.WriteAsync(context, ProxyErrorKind.ResourceExhausted, "rate limit exceeded", retryAfter);
    }
}
