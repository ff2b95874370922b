using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Middlewares.Common;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// Builds rateLimit. In-memory buckets come from ISwapState under "rateLimit|id|config" so unchanged middlewares keep
/// them; with <c>redis</c> the buckets are in Redis and only the connections are kept in the swap state.
/// </summary>
public sealed class RateLimitFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RateLimitConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (RateLimitConfig)config;
        if (c.Average < 0 || c.Burst < 0 || c.Period < TimeSpan.Zero)
        {
            throw new ArgumentException("rateLimit: average, burst and period must not be negative");
        }

        if (c.Average == 0)
        {
            return PassThroughMiddleware.Instance; // Traefik: average 0 means no limit.
        }

        var period = c.Period == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : c.Period;
        var burst = Math.Max(1, c.Burst);
        var source = new SourceExtractor(c.SourceCriterion);
        if (c.Redis is { } redis)
        {
            return CreateRedis(id, c, redis, period, burst, source, context);
        }

        var key = string.Create(CultureInfo.InvariantCulture,
            $"rateLimit|{id}|{c.Average}|{period.Ticks}|{burst}|{SourceExtractor.Describe(c.SourceCriterion)}");
        var time = context.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var buckets = context.State.GetOrAdd(key, () => new RateLimitBuckets(c.Average, period, burst, time: time));
        return new RateLimitMiddleware(buckets, source);
    }

    private static RedisRateLimitMiddleware CreateRedis(string id, RateLimitConfig c, RateLimitRedisConfig redis, TimeSpan period, long burst,
        SourceExtractor source, MiddlewareBuildContext context)
    {
        ServersTransportConfig? tls = null;
        if (redis.ServersTransport is { } transportId && !context.Table.ServersTransports.TryGetValue(transportId, out tls))
        {
            throw new ArgumentException($"rateLimit: the redis tls transport '{transportId}' is missing from the table");
        }

        var connections = context.State.GetOrAdd("rateLimit.redis|" + RedisConnections.Describe(redis, tls), () => new RedisConnections(redis, tls));
        // The bucket in microseconds: one token every period/average, burst tokens deep.
        var interval = Math.Max(1L, (long)(period.TotalMicroseconds / c.Average));
        var logger = (ILogger?)context.Services.GetService<ILoggerFactory>()?.CreateLogger<RedisRateLimitMiddleware>() ?? NullLogger.Instance;
        return new RedisRateLimitMiddleware(id, connections, interval, (burst - 1) * interval, source, logger);
    }
}
