using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>Token bucket: <c>Average</c> tokens per <c>Period</c>, bucket size <c>Burst</c>. Average 0 ⇒ no limit.</summary>
public sealed record RateLimitConfig(long Average, TimeSpan Period, long Burst, SourceCriterionConfig SourceCriterion) : MiddlewareConfig;

public sealed record InFlightReqConfig(long Amount, SourceCriterionConfig SourceCriterion) : MiddlewareConfig;

/// <summary>Allowed client ranges (parsed by the compiler, <see cref="IpRanges"/>). RejectStatusCode defaults to 403.</summary>
public sealed record IpAllowListConfig(ImmutableArray<System.Net.IPNetwork> SourceRange, IpStrategyConfig? IpStrategy, int RejectStatusCode) : MiddlewareConfig;

public sealed record RetryConfig(int Attempts, TimeSpan InitialInterval) : MiddlewareConfig
{
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
    long MemResponseBodyBytes) : MiddlewareConfig;

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
    ImmutableSortedDictionary<string, int> StatusRewrites) : MiddlewareConfig;

public sealed record ContentTypeConfig(bool AutoDetect) : MiddlewareConfig;

/// <summary>Which encoded characters in the path are let through (Traefik v3.6+ encodedCharacters).</summary>
public sealed record EncodedCharactersConfig(ImmutableSortedDictionary<string, bool> Allow) : MiddlewareConfig;

/// <summary>gRPC-Web to gRPC translation. AllowOrigins may contain "*".</summary>
public sealed record GrpcWebConfig(ImmutableArray<string> AllowOrigins) : MiddlewareConfig;

/// <summary>Passes the client certificate (PEM and/or selected fields) in X-Forwarded-Tls-Client-Cert(-Info).</summary>
public sealed record PassTlsClientCertConfig(bool Pem, ImmutableArray<string> InfoFields) : MiddlewareConfig;
