using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>GRPCRoute: gRPC routing rules (service/method and header matches) attached to Gateway listeners.</summary>
public sealed record GrpcRoute : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required GrpcRouteSpec Spec { get; init; }

    [JsonPropertyName("status")]
    public RouteStatus? Status { get; init; }
}

public sealed record GrpcRouteSpec
{
    [JsonPropertyName("parentRefs")]
    public IReadOnlyList<ParentReference>? ParentRefs { get; init; }

    [JsonPropertyName("hostnames")]
    public IReadOnlyList<string>? Hostnames { get; init; }

    [JsonPropertyName("rules")]
    public IReadOnlyList<GrpcRouteRule>? Rules { get; init; }
}

public sealed record GrpcRouteRule
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Absent or empty: every call.</summary>
    [JsonPropertyName("matches")]
    public IReadOnlyList<GrpcRouteMatch>? Matches { get; init; }

    [JsonPropertyName("filters")]
    public IReadOnlyList<RouteFilter>? Filters { get; init; }

    [JsonPropertyName("backendRefs")]
    public IReadOnlyList<RouteBackendRef>? BackendRefs { get; init; }
}

public sealed record GrpcRouteMatch
{
    [JsonPropertyName("method")]
    public GrpcMethodMatch? Method { get; init; }

    [JsonPropertyName("headers")]
    public IReadOnlyList<HeaderMatch>? Headers { get; init; }
}

public sealed record GrpcMethodMatch
{
    /// <summary>Exact (default) or RegularExpression.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("service")]
    public string? Service { get; init; }

    [JsonPropertyName("method")]
    public string? Method { get; init; }
}
