using System.Globalization;
using Switchyard.DataPlane.Middlewares.Common;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>Builds rateLimit. Buckets come from ISwapState under "rateLimit|id|config" so unchanged middlewares keep them.</summary>
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
        var key = string.Create(CultureInfo.InvariantCulture,
            $"rateLimit|{id}|{c.Average}|{period.Ticks}|{burst}|{SourceExtractor.Describe(c.SourceCriterion)}");
        var buckets = context.State.GetOrAdd(key, () => new RateLimitBuckets(c.Average, period, burst));
        return new RateLimitMiddleware(buckets, source);
    }
}
