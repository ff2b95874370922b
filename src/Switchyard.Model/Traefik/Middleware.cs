using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik.Middlewares;

namespace Switchyard.Model.Traefik;

/// <summary>Middleware: one HTTP middleware (exactly one type set per object).</summary>
public sealed record Middleware : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>Middleware.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>The middleware configuration.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required MiddlewareSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Middleware configuration: one nullable property per middleware type; exactly one should be set.</summary>
public sealed record MiddlewareSpec
{
    /// <summary>Adds a prefix to the request path.</summary>
    [JsonPropertyName("addPrefix")]
    public AddPrefix? AddPrefix { get; init; }

    /// <summary>Removes prefixes from the request path.</summary>
    [JsonPropertyName("stripPrefix")]
    public StripPrefix? StripPrefix { get; init; }

    /// <summary>Removes prefixes matching regular expressions from the request path.</summary>
    [JsonPropertyName("stripPrefixRegex")]
    public StripPrefixRegex? StripPrefixRegex { get; init; }

    /// <summary>Replaces the request path.</summary>
    [JsonPropertyName("replacePath")]
    public ReplacePath? ReplacePath { get; init; }

    /// <summary>Replaces the request path using a regular expression.</summary>
    [JsonPropertyName("replacePathRegex")]
    public ReplacePathRegex? ReplacePathRegex { get; init; }

    /// <summary>A reusable list of other middlewares.</summary>
    [JsonPropertyName("chain")]
    public Chain? Chain { get; init; }

    /// <summary>Deprecated: use ipAllowList.</summary>
    [JsonPropertyName("ipWhiteList")]
    public IPWhiteList? IPWhiteList { get; init; }

    /// <summary>Allows requests only from the given client IP ranges.</summary>
    [JsonPropertyName("ipAllowList")]
    public IPAllowList? IPAllowList { get; init; }

    /// <summary>Custom, CORS and security headers.</summary>
    [JsonPropertyName("headers")]
    public Headers? Headers { get; init; }

    /// <summary>Rejects or allows encoded characters in the request path.</summary>
    [JsonPropertyName("encodedCharacters")]
    public EncodedCharacters? EncodedCharacters { get; init; }

    /// <summary>Custom error pages served by another service.</summary>
    [JsonPropertyName("errors")]
    public ErrorPage? Errors { get; init; }

    /// <summary>Token-bucket rate limiting per source.</summary>
    [JsonPropertyName("rateLimit")]
    public RateLimit? RateLimit { get; init; }

    /// <summary>Redirects using a regular expression.</summary>
    [JsonPropertyName("redirectRegex")]
    public RedirectRegex? RedirectRegex { get; init; }

    /// <summary>Redirects to another scheme (and port).</summary>
    [JsonPropertyName("redirectScheme")]
    public RedirectScheme? RedirectScheme { get; init; }

    /// <summary>HTTP basic authentication.</summary>
    [JsonPropertyName("basicAuth")]
    public BasicAuth? BasicAuth { get; init; }

    /// <summary>HTTP digest authentication.</summary>
    [JsonPropertyName("digestAuth")]
    public DigestAuth? DigestAuth { get; init; }

    /// <summary>Delegates authentication to an external service.</summary>
    [JsonPropertyName("forwardAuth")]
    public ForwardAuth? ForwardAuth { get; init; }

    /// <summary>Limits the number of simultaneous in-flight requests per source.</summary>
    [JsonPropertyName("inFlightReq")]
    public InFlightReq? InFlightReq { get; init; }

    /// <summary>Buffers requests and responses, limits their size.</summary>
    [JsonPropertyName("buffering")]
    public Buffering? Buffering { get; init; }

    /// <summary>Stops calling an unhealthy service for a while.</summary>
    [JsonPropertyName("circuitBreaker")]
    public CircuitBreaker? CircuitBreaker { get; init; }

    /// <summary>Compresses responses (never application/grpc).</summary>
    [JsonPropertyName("compress")]
    public Compress? Compress { get; init; }

    /// <summary>Passes the client TLS certificate (or its fields) in a header.</summary>
    [JsonPropertyName("passTLSClientCert")]
    public PassTLSClientCert? PassTLSClientCert { get; init; }

    /// <summary>Retries failed requests.</summary>
    [JsonPropertyName("retry")]
    public Retry? Retry { get; init; }

    /// <summary>Controls Content-Type auto-detection.</summary>
    [JsonPropertyName("contentType")]
    public ContentType? ContentType { get; init; }

    /// <summary>Translates gRPC-Web calls into gRPC.</summary>
    [JsonPropertyName("grpcWeb")]
    public GrpcWeb? GrpcWeb { get; init; }

    /// <summary>Sends copies of requests/responses to a Kubernetes Service (Traefik v3.7).</summary>
    [JsonPropertyName("tap")]
    public Tap? Tap { get; init; }

    /// <summary>Plugin configuration, free-form JSON keyed by plugin name (not supported by Switchyard's data plane).</summary>
    [JsonPropertyName("plugin")]
    public IReadOnlyDictionary<string, JsonElement>? Plugin { get; init; }
}
