using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>HTTPRoute: HTTP routing rules attached to Gateway listeners.</summary>
public sealed record HttpRoute : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required HttpRouteSpec Spec { get; init; }

    [JsonPropertyName("status")]
    public RouteStatus? Status { get; init; }
}

public sealed record HttpRouteSpec
{
    [JsonPropertyName("parentRefs")]
    public IReadOnlyList<ParentReference>? ParentRefs { get; init; }

    [JsonPropertyName("hostnames")]
    public IReadOnlyList<string>? Hostnames { get; init; }

    [JsonPropertyName("rules")]
    public IReadOnlyList<HttpRouteRule>? Rules { get; init; }
}

public sealed record HttpRouteRule
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Absent: one match, PathPrefix "/" (the API server's default).</summary>
    [JsonPropertyName("matches")]
    public IReadOnlyList<HttpRouteMatch>? Matches { get; init; }

    [JsonPropertyName("filters")]
    public IReadOnlyList<RouteFilter>? Filters { get; init; }

    [JsonPropertyName("backendRefs")]
    public IReadOnlyList<RouteBackendRef>? BackendRefs { get; init; }

    [JsonPropertyName("timeouts")]
    public HttpRouteTimeouts? Timeouts { get; init; }
}

public sealed record HttpRouteMatch
{
    [JsonPropertyName("path")]
    public HttpPathMatch? Path { get; init; }

    [JsonPropertyName("headers")]
    public IReadOnlyList<HeaderMatch>? Headers { get; init; }

    [JsonPropertyName("queryParams")]
    public IReadOnlyList<HeaderMatch>? QueryParams { get; init; }

    [JsonPropertyName("method")]
    public string? Method { get; init; }
}

public sealed record HttpPathMatch
{
    /// <summary>Exact, PathPrefix (default) or RegularExpression.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("value")]
    public string? Value { get; init; }
}

public sealed record HttpRouteTimeouts
{
    [JsonPropertyName("request")]
    public string? Request { get; init; }

    [JsonPropertyName("backendRequest")]
    public string? BackendRequest { get; init; }
}
