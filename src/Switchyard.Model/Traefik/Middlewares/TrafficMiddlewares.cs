using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik.Middlewares;

// Durations are IntOrString like Traefik's CRDs: a number of seconds or a Go duration string ("10s", "1m30s").

/// <summary>rateLimit middleware (token bucket per source).</summary>
public sealed record RateLimit
{
    /// <summary>Allowed requests per period on average; 0 means no limit.</summary>
    [JsonPropertyName("average")]
    public long? Average { get; init; }

    /// <summary>Period of the average (seconds or duration string, default 1s).</summary>
    [JsonPropertyName("period")]
    public IntOrString? Period { get; init; }

    /// <summary>Maximum requests arriving at once (default 1).</summary>
    [JsonPropertyName("burst")]
    public long? Burst { get; init; }

    /// <summary>What groups requests into one source (default: client IP).</summary>
    [JsonPropertyName("sourceCriterion")]
    public SourceCriterion? SourceCriterion { get; init; }

    /// <summary>Redis-backed buckets, shared by every gateway replica.</summary>
    [JsonPropertyName("redis")]
    public RateLimitRedis? Redis { get; init; }
}

/// <summary>Redis settings of rateLimit.</summary>
public sealed record RateLimitRedis
{
    /// <summary>host:port addresses (default localhost:6379).</summary>
    [JsonPropertyName("endpoints")]
    public IReadOnlyList<string>? Endpoints { get; init; }

    /// <summary>TLS settings for Redis.</summary>
    [JsonPropertyName("tls")]
    public ClientTlsWithCaOptional? Tls { get; init; }

    /// <summary>Secret holding the Redis credentials.</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>Redis database number.</summary>
    [JsonPropertyName("db")]
    public int? Db { get; init; }

    /// <summary>Initial socket connections.</summary>
    [JsonPropertyName("poolSize")]
    public int? PoolSize { get; init; }

    /// <summary>Minimum idle connections.</summary>
    [JsonPropertyName("minIdleConns")]
    public int? MinIdleConns { get; init; }

    /// <summary>Maximum connections.</summary>
    [JsonPropertyName("maxActiveConns")]
    public int? MaxActiveConns { get; init; }

    /// <summary>Socket read timeout (default 3s).</summary>
    [JsonPropertyName("readTimeout")]
    public IntOrString? ReadTimeout { get; init; }

    /// <summary>Socket write timeout (default 3s).</summary>
    [JsonPropertyName("writeTimeout")]
    public IntOrString? WriteTimeout { get; init; }

    /// <summary>Connect timeout (default 5s).</summary>
    [JsonPropertyName("dialTimeout")]
    public IntOrString? DialTimeout { get; init; }
}

/// <summary>inFlightReq middleware.</summary>
public sealed record InFlightReq
{
    /// <summary>Maximum simultaneous in-flight requests per source.</summary>
    [JsonPropertyName("amount")]
    public long? Amount { get; init; }

    /// <summary>What groups requests into one source (default: client IP).</summary>
    [JsonPropertyName("sourceCriterion")]
    public SourceCriterion? SourceCriterion { get; init; }
}

/// <summary>buffering middleware.</summary>
public sealed record Buffering
{
    /// <summary>Maximum request body size in bytes (0: no maximum); larger requests get 413.</summary>
    [JsonPropertyName("maxRequestBodyBytes")]
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>Request bytes kept in memory before buffering to disk (default 1Mi).</summary>
    [JsonPropertyName("memRequestBodyBytes")]
    public long? MemRequestBodyBytes { get; init; }

    /// <summary>Maximum response body size in bytes (0: no maximum); larger responses get 500.</summary>
    [JsonPropertyName("maxResponseBodyBytes")]
    public long? MaxResponseBodyBytes { get; init; }

    /// <summary>Response bytes kept in memory before buffering to disk (default 1Mi).</summary>
    [JsonPropertyName("memResponseBodyBytes")]
    public long? MemResponseBodyBytes { get; init; }

    /// <summary>Retry condition expression, e.g. IsNetworkError() &amp;&amp; Attempts() &lt; 2.</summary>
    [JsonPropertyName("retryExpression")]
    public string? RetryExpression { get; init; }
}

/// <summary>circuitBreaker middleware.</summary>
public sealed record CircuitBreaker
{
    /// <summary>Trip condition, e.g. NetworkErrorRatio() &gt; 0.5 or ResponseCodeRatio(500,600,0,600) &gt; 0.25.</summary>
    [JsonPropertyName("expression")]
    public string? Expression { get; init; }

    /// <summary>Interval between checks of the condition (default 100ms).</summary>
    [JsonPropertyName("checkPeriod")]
    public IntOrString? CheckPeriod { get; init; }

    /// <summary>Time spent tripped before recovering (default 10s).</summary>
    [JsonPropertyName("fallbackDuration")]
    public IntOrString? FallbackDuration { get; init; }

    /// <summary>Duration of the recovering state (default 10s).</summary>
    [JsonPropertyName("recoveryDuration")]
    public IntOrString? RecoveryDuration { get; init; }

    /// <summary>Status returned while open (default 503).</summary>
    [JsonPropertyName("responseCode")]
    public int? ResponseCode { get; init; }
}

/// <summary>compress middleware.</summary>
public sealed record Compress
{
    /// <summary>Content types never compressed (application/grpc always excluded).</summary>
    [JsonPropertyName("excludedContentTypes")]
    public IReadOnlyList<string>? ExcludedContentTypes { get; init; }

    /// <summary>Only these content types are compressed.</summary>
    [JsonPropertyName("includedContentTypes")]
    public IReadOnlyList<string>? IncludedContentTypes { get; init; }

    /// <summary>Minimum body size to compress (default 1024).</summary>
    [JsonPropertyName("minResponseBodyBytes")]
    public int? MinResponseBodyBytes { get; init; }

    /// <summary>Supported encodings in preference order (gzip, br, zstd).</summary>
    [JsonPropertyName("encodings")]
    public IReadOnlyList<string>? Encodings { get; init; }

    /// <summary>Encoding used when Accept-Encoding is absent or *.</summary>
    [JsonPropertyName("defaultEncoding")]
    public string? DefaultEncoding { get; init; }
}

/// <summary>retry middleware.</summary>
public sealed record Retry
{
    /// <summary>How many times the request is retried.</summary>
    [JsonPropertyName("attempts")]
    public int? Attempts { get; init; }

    /// <summary>Total time the middleware may spend retrying.</summary>
    [JsonPropertyName("timeout")]
    public IntOrString? Timeout { get; init; }

    /// <summary>First wait of the exponential backoff (absent: retry immediately).</summary>
    [JsonPropertyName("initialInterval")]
    public IntOrString? InitialInterval { get; init; }

    /// <summary>Maximum request body size kept for retries (-1: no limit).</summary>
    [JsonPropertyName("maxRequestBodyBytes")]
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>HTTP status codes or ranges (500-599) that trigger a retry.</summary>
    [JsonPropertyName("status")]
    public IReadOnlyList<string>? Status { get; init; }

    /// <summary>Do not retry on network errors.</summary>
    [JsonPropertyName("disableRetryOnNetworkError")]
    public bool? DisableRetryOnNetworkError { get; init; }

    /// <summary>Also retry non-idempotent methods (POST, PATCH, LOCK).</summary>
    [JsonPropertyName("retryNonIdempotentMethod")]
    public bool? RetryNonIdempotentMethod { get; init; }
}
