using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>
/// What every Traefik custom resource has in common. One set of records serves both API groups
/// (<see cref="TraefikApi.Group"/> and the legacy <see cref="TraefikApi.LegacyGroup"/>); <see cref="ApiVersion"/>
/// tells which one an object came from.
/// </summary>
public interface ITraefikObject
{
    /// <summary>apiVersion, e.g. traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    string ApiVersion { get; }

    /// <summary>kind, e.g. IngressRoute.</summary>
    string Kind { get; }

    /// <summary>Standard Kubernetes object metadata.</summary>
    V1ObjectMeta Metadata { get; }
}

/// <summary>API groups, versions and kinds of the Traefik CRDs we read.</summary>
public static class TraefikApi
{
    public const string Group = "traefik.io";
    public const string LegacyGroup = "traefik.containo.us";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string LegacyApiVersion = LegacyGroup + "/" + Version;

    public const string IngressRouteKind = "IngressRoute";
    public const string MiddlewareKind = "Middleware";
    public const string ServersTransportKind = "ServersTransport";
    public const string TlsOptionKind = "TLSOption";
    public const string TlsStoreKind = "TLSStore";
    public const string TraefikServiceKind = "TraefikService";
    public const string IngressRouteTcpKind = "IngressRouteTCP";
    public const string IngressRouteUdpKind = "IngressRouteUDP";
    public const string MiddlewareTcpKind = "MiddlewareTCP";
    public const string ServersTransportTcpKind = "ServersTransportTCP";

    /// <summary>True for traefik.io/v1alpha1 and traefik.containo.us/v1alpha1.</summary>
    public static bool IsTraefikApiVersion(string? apiVersion) =>
        apiVersion is ApiVersion or LegacyApiVersion;
}

/// <summary>
/// One status condition (Switchyard's own status shape; Traefik's CRDs have no status).
/// Same fields as metav1.Condition.
/// </summary>
public sealed record StatusCondition
{
    /// <summary>Condition type, e.g. Accepted, ResolvedRefs, Ready.</summary>
    [JsonPropertyName("type"), JsonRequired]
    public required string Type { get; init; }

    /// <summary>True, False or Unknown.</summary>
    [JsonPropertyName("status"), JsonRequired]
    public required string Status { get; init; }

    /// <summary>Stable CamelCase reason, e.g. MiddlewareNotFound.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>Human-readable message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>metadata.generation the condition was computed from.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    /// <summary>When the condition last changed status.</summary>
    [JsonPropertyName("lastTransitionTime")]
    public DateTimeOffset? LastTransitionTime { get; init; }
}

/// <summary>Status Switchyard writes on an IngressRoute.</summary>
public sealed record IngressRouteStatus
{
    /// <summary>Conditions of the IngressRoute (one per aspect, e.g. Accepted, ResolvedRefs).</summary>
    [JsonPropertyName("conditions")]
    public IReadOnlyList<StatusCondition>? Conditions { get; init; }

    /// <summary>Names of the routers compiled from this IngressRoute (ns-name-hash, like Traefik).</summary>
    [JsonPropertyName("routers")]
    public IReadOnlyList<string>? Routers { get; init; }
}

/// <summary>Status Switchyard writes on a referenced resource (Middleware, ServersTransport, TLSOption, ...).</summary>
public sealed record ReferencedResourceStatus
{
    /// <summary>Conditions of the resource.</summary>
    [JsonPropertyName("conditions")]
    public IReadOnlyList<StatusCondition>? Conditions { get; init; }

    /// <summary>Objects that use this resource, each as <c>Kind/namespace/name</c>.</summary>
    [JsonPropertyName("usedBy")]
    public IReadOnlyList<string>? UsedBy { get; init; }
}
