using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>Token bucket: <c>Average</c> tokens per <c>Period</c>, bucket size <c>Burst</c>. Average 0 ⇒ no limit.</summary>
public sealed record RateLimitConfig(long Average, TimeSpan Period, long Burst, SourceCriterionConfig SourceCriterion) : MiddlewareConfig
{
    /// <summary>Traefik's <c>redis</c>: the buckets live in Redis, shared by every gateway replica. Null: in memory.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RateLimitRedisConfig? Redis { get; init; }
}

/// <summary>
/// rateLimit.redis with Traefik's defaults applied (<c>pkg/config/dynamic/middlewares.go</c> Redis.SetDefaults):
/// endpoints localhost:6379, dial 5 s, read and write 3 s. <c>ServersTransport</c> names the transport built from
/// <c>tls</c> (null: plain TCP). Username and password come from the <c>secret</c> (keys username, password).
/// </summary>
public sealed record RateLimitRedisConfig(
    ImmutableArray<string> Endpoints,
    string? Username,
    SecretText? Password,
    int Db,
    string? ServersTransport,
    TimeSpan DialTimeout,
    TimeSpan ReadTimeout,
    TimeSpan WriteTimeout,
    int PoolSize,
    int MinIdleConns,
    int MaxActiveConns)
{
    /// <summary>Traefik's default endpoint.</summary>
    public const string DefaultEndpoint = "localhost:6379";

    /// <summary>Most connections one middleware opens to one Redis (each multiplexes every call of the gateway).</summary>
    public const int MaxConnections = 16;
}

public sealed record InFlightReqConfig(long Amount, SourceCriterionConfig SourceCriterion) : MiddlewareConfig;

/// <summary>Allowed client ranges (parsed by the compiler, <see cref="IpRanges"/>). RejectStatusCode defaults to 403.</summary>
public sealed record IpAllowListConfig(ImmutableArray<System.Net.IPNetwork> SourceRange, IpStrategyConfig? IpStrategy, int RejectStatusCode) : MiddlewareConfig;

/// <summary>
/// retry (Traefik <c>pkg/middlewares/retry/retry.go</c>). <c>Status</c>: ranges ("503", "500-599") whose answers are
/// retried (idempotent methods only unless <c>RetryNonIdempotentMethod</c>); <c>Timeout</c>: no attempt starts after
/// it (0: none); <c>MaxRequestBodyBytes</c>: the most request bytes kept to send again (-1: no limit).
/// </summary>
public sealed record RetryConfig(int Attempts, TimeSpan InitialInterval) : MiddlewareConfig
{
    /// <summary>Traefik's RetryDefaultMaxRequestBodyBytes (2 MB).</summary>
    public const long DefaultMaxRequestBodyBytes = 2 * 1024 * 1024;

    public ImmutableArray<string> Status { get; init; } = [];

    public TimeSpan Timeout { get; init; }

    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    public bool DisableRetryOnNetworkError { get; init; }

    public bool RetryNonIdempotentMethod { get; init; }

    /// <summary>The most attempts the gateway makes for one call (a larger value is warned about and bounded).</summary>
    public const int MaxAttempts = 10;

    /// <summary>The shortest pause between attempts (a shorter initialInterval is warned about and bounded).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);
}

public sealed record CircuitBreakerConfig(
    BreakerExpression Expression,
    TimeSpan CheckPeriod,
    TimeSpan FallbackDuration,
    TimeSpan RecoveryDuration,
    int ResponseCode) : MiddlewareConfig;

public sealed record BufferingConfig(
    long MaxRequestBodyBytes,
    long MemRequestBodyBytes,
    long MaxResponseBodyBytes,
    long MemResponseBodyBytes) : MiddlewareConfig
{
    /// <summary>retryExpression: the buffered request is sent again while this holds for the buffered answer. Null: no retry.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RetryExpression? RetryExpression { get; init; }

    /// <summary>oxy's DefaultMaxRetryAttempts: no retry once this many attempts were made and retried (11 calls at most).</summary>
    public const int MaxRetryAttempts = 10;
}

/// <summary>Compression. application/grpc is never compressed, whatever the lists say.</summary>
public sealed record CompressConfig(
    ImmutableArray<string> ExcludedContentTypes,
    ImmutableArray<string> IncludedContentTypes,
    int MinResponseBodyBytes,
    ImmutableArray<string> Encodings,
    string? DefaultEncoding) : MiddlewareConfig;

/// <summary>errors middleware: on a listed status, the answer comes from Service at Query (<c>{status}</c> replaced).</summary>
public sealed record ErrorsConfig(
    ImmutableArray<string> Status,
    string Service,
    string Query,
    ImmutableSortedDictionary<string, int> StatusRewrites) : MiddlewareConfig
{
    /// <summary>errorRequestHeaders: only these caller headers go with the page request (empty: all of them).</summary>
    public ImmutableArray<string> ErrorRequestHeaders { get; init; } = [];
}

public sealed record ContentTypeConfig(bool AutoDetect) : MiddlewareConfig;

/// <summary>Which encoded characters in the path are let through (Traefik v3.6+ encodedCharacters).</summary>
public sealed record EncodedCharactersConfig(ImmutableSortedDictionary<string, bool> Allow) : MiddlewareConfig;

/// <summary>gRPC-Web to gRPC translation. AllowOrigins may contain "*".</summary>
public sealed record GrpcWebConfig(ImmutableArray<string> AllowOrigins) : MiddlewareConfig;

/// <summary>Passes the client certificate (PEM and/or selected fields) in X-Forwarded-Tls-Client-Cert(-Info).</summary>
public sealed record PassTlsClientCertConfig(bool Pem, ImmutableArray<string> InfoFields) : MiddlewareConfig;
