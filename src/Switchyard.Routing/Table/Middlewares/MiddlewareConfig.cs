using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// A middleware as the data plane needs it: Traefik's defaults applied, durations parsed, referenced
/// secrets read. Chains do not appear here: the compiler flattens them into each router's list.
/// The discriminator names are Traefik's middleware type names.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AddPrefixConfig), "addPrefix")]
[JsonDerivedType(typeof(StripPrefixConfig), "stripPrefix")]
[JsonDerivedType(typeof(StripPrefixRegexConfig), "stripPrefixRegex")]
[JsonDerivedType(typeof(ReplacePathConfig), "replacePath")]
[JsonDerivedType(typeof(ReplacePathRegexConfig), "replacePathRegex")]
[JsonDerivedType(typeof(IpAllowListConfig), "ipAllowList")]
[JsonDerivedType(typeof(HeadersConfig), "headers")]
[JsonDerivedType(typeof(ErrorsConfig), "errors")]
[JsonDerivedType(typeof(RateLimitConfig), "rateLimit")]
[JsonDerivedType(typeof(RedirectRegexConfig), "redirectRegex")]
[JsonDerivedType(typeof(RedirectSchemeConfig), "redirectScheme")]
[JsonDerivedType(typeof(BasicAuthConfig), "basicAuth")]
[JsonDerivedType(typeof(DigestAuthConfig), "digestAuth")]
[JsonDerivedType(typeof(ForwardAuthConfig), "forwardAuth")]
[JsonDerivedType(typeof(InFlightReqConfig), "inFlightReq")]
[JsonDerivedType(typeof(BufferingConfig), "buffering")]
[JsonDerivedType(typeof(CircuitBreakerConfig), "circuitBreaker")]
[JsonDerivedType(typeof(CompressConfig), "compress")]
[JsonDerivedType(typeof(PassTlsClientCertConfig), "passTLSClientCert")]
[JsonDerivedType(typeof(RetryConfig), "retry")]
[JsonDerivedType(typeof(ContentTypeConfig), "contentType")]
[JsonDerivedType(typeof(EncodedCharactersConfig), "encodedCharacters")]
[JsonDerivedType(typeof(GrpcWebConfig), "grpcWeb")]
[JsonDerivedType(typeof(UnsupportedMiddlewareConfig), "unsupported")]
public abstract record MiddlewareConfig;

/// <summary>
/// A middleware type the data plane cannot run (plugin, or a type not implemented yet). Routers using it
/// are reported, never silently passed through.
/// </summary>
public sealed record UnsupportedMiddlewareConfig(string TypeName) : MiddlewareConfig;

/// <summary>How a client is identified (rateLimit, inFlightReq). Default: the socket's remote IP.</summary>
public sealed record SourceCriterionConfig(IpStrategyConfig? IpStrategy, string? RequestHeaderName, bool RequestHost)
{
    public static SourceCriterionConfig RemoteAddress { get; } = new(null, null, false);
}

/// <summary>Pick the client IP from X-Forwarded-For: <c>depth</c>-th from the right, or the first not excluded.</summary>
public sealed record IpStrategyConfig(int Depth, ImmutableArray<string> ExcludedIps, int? Ipv6Subnet);
