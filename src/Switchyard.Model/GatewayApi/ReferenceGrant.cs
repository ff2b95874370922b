using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>ReferenceGrant (v1beta1): lets objects of other namespaces refer to objects of this one.</summary>
public sealed record ReferenceGrant : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required ReferenceGrantSpec Spec { get; init; }
}

public sealed record ReferenceGrantSpec
{
    [JsonPropertyName("from"), JsonRequired]
    public required IReadOnlyList<ReferenceGrantFrom> From { get; init; }

    [JsonPropertyName("to"), JsonRequired]
    public required IReadOnlyList<ReferenceGrantTo> To { get; init; }
}

public sealed record ReferenceGrantFrom
{
    [JsonPropertyName("group"), JsonRequired]
    public required string Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("namespace"), JsonRequired]
    public required string Namespace { get; init; }
}

public sealed record ReferenceGrantTo
{
    [JsonPropertyName("group"), JsonRequired]
    public required string Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
