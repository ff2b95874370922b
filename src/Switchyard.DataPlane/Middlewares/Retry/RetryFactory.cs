using Switchyard.DataPlane.Middlewares.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Retry;

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

        if (c.InitialInterval < TimeSpan.Zero || c.Timeout < TimeSpan.Zero)
        {
            throw new ArgumentException("retry: initialInterval and timeout must not be negative");
        }

        var statuses = c.Status.IsDefaultOrEmpty ? null : StatusRanges.Parse(c.Status, "retry: status");
        if (statuses is null && c.DisableRetryOnNetworkError)
        {
            throw new ArgumentException("retry: disableRetryOnNetworkError without status never retries");
        }

        // The compiler already bounds both with a warning; a hand-built table is bounded here too.
        return new RetryMiddleware(new RetryOptions(
            Math.Min(c.Attempts, RetryConfig.MaxAttempts),
            c.InitialInterval < RetryConfig.MinInterval ? RetryConfig.MinInterval : c.InitialInterval,
            statuses, c.Timeout, c.MaxRequestBodyBytes, c.DisableRetryOnNetworkError, c.RetryNonIdempotentMethod));
    }
}
