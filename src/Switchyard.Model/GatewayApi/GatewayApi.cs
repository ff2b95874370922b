using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>
/// Group, versions and kinds of the Gateway API (standard channel, CRDs vendored in crds/gateway-api/). The records
/// implement <see cref="ITraefikObject"/> only for its apiVersion/kind/metadata shape, which every reader of custom
/// resources here (loader, watchers, diagnostics) is written against.
/// </summary>
public static class GatewayApiKinds
{
    public const string Group = "gateway.networking.k8s.io";
    public const string V1 = Group + "/v1";
    public const string V1Beta1 = Group + "/v1beta1";

    public const string GatewayClass = "GatewayClass";
    public const string Gateway = "Gateway";
    public const string HttpRoute = "HTTPRoute";
    public const string GrpcRoute = "GRPCRoute";
    public const string ReferenceGrant = "ReferenceGrant";
    public const string BackendTlsPolicy = "BackendTLSPolicy";

    /// <summary>Traefik's controller name (pkg/provider/kubernetes/gateway/kubernetes.go), so Traefik users' classes work.</summary>
    public const string DefaultControllerName = "traefik.io/gateway-controller";

    /// <summary>The served version of each kind (ReferenceGrant is v1beta1 in the standard channel).</summary>
    public static string ServedVersion(string kind) => kind == ReferenceGrant ? "v1beta1" : "v1";

    /// <summary>True for an apiVersion of this group whose version serves the kind (v1beta1 of GatewayClass, Gateway and HTTPRoute too).</summary>
    public static bool Serves(string apiVersion, string kind) => apiVersion switch
    {
        V1 => kind is GatewayClass or Gateway or HttpRoute or GrpcRoute or BackendTlsPolicy,
        V1Beta1 => kind is GatewayClass or Gateway or HttpRoute or ReferenceGrant,
        _ => false,
    };
}

/// <summary>metav1.Condition as Gateway API status carries it.</summary>
public sealed record GatewayCondition
{
    [JsonPropertyName("type"), JsonRequired]
    public required string Type { get; init; }

    [JsonPropertyName("status"), JsonRequired]
    public required string Status { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    [JsonPropertyName("lastTransitionTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LastTransitionTime { get; init; }
}

/// <summary>GatewayClass (cluster-scoped): which controller implements the Gateways of this class.</summary>
public sealed record GatewayClass : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required GatewayClassSpec Spec { get; init; }

    [JsonPropertyName("status")]
    public GatewayClassStatus? Status { get; init; }
}

public sealed record GatewayClassSpec
{
    /// <summary>The controller that handles this class; Switchyard's is providers.kubernetesGateway.controllerName.</summary>
    [JsonPropertyName("controllerName"), JsonRequired]
    public required string ControllerName { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Implementation-specific parameters; Switchyard has none (ignored).</summary>
    [JsonPropertyName("parametersRef")]
    public ParametersReference? ParametersRef { get; init; }
}

public sealed record ParametersReference
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

public sealed record GatewayClassStatus
{
    [JsonPropertyName("conditions")]
    public IReadOnlyList<GatewayCondition>? Conditions { get; init; }

    [JsonPropertyName("supportedFeatures")]
    public IReadOnlyList<SupportedFeature>? SupportedFeatures { get; init; }
}

public sealed record SupportedFeature
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
