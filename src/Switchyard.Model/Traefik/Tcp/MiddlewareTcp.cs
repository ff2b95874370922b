using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>MiddlewareTCP: a connection-level middleware (Traefik v3.7 middlewaretcp.go). Exactly one type per object.</summary>
public sealed record MiddlewareTcp : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>MiddlewareTCP.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>The middleware's type and settings.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required MiddlewareTcpSpec Spec { get; init; }

    /// <summary>Status written by Switchyard.</summary>
    [JsonPropertyName("status")]
    public ReferencedResourceStatus? Status { get; init; }
}

/// <summary>Desired state of a MiddlewareTCP.</summary>
public sealed record MiddlewareTcpSpec
{
    /// <summary>Limits the number of simultaneous connections per client IP.</summary>
    [JsonPropertyName("inFlightConn")]
    public TcpInFlightConn? InFlightConn { get; init; }

    /// <summary>Deprecated: use ipAllowList.</summary>
    [JsonPropertyName("ipWhiteList")]
    public TcpIpAllowList? IpWhiteList { get; init; }

    /// <summary>Accepts connections only from the given client IP ranges, closes the others.</summary>
    [JsonPropertyName("ipAllowList")]
    public TcpIpAllowList? IpAllowList { get; init; }
}

/// <summary>inFlightConn settings.</summary>
public sealed record TcpInFlightConn
{
    /// <summary>Maximum simultaneous connections from one client IP.</summary>
    [JsonPropertyName("amount")]
    public long? Amount { get; init; }
}

/// <summary>ipAllowList settings of a MiddlewareTCP.</summary>
public sealed record TcpIpAllowList
{
    /// <summary>Allowed IPs or CIDR ranges.</summary>
    [JsonPropertyName("sourceRange")]
    public IReadOnlyList<string>? SourceRange { get; init; }
}
