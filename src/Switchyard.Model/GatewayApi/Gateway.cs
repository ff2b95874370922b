using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>Gateway: listeners (port, protocol, hostname, TLS, allowed routes) of one GatewayClass.</summary>
public sealed record Gateway : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required GatewaySpec Spec { get; init; }

    [JsonPropertyName("status")]
    public GatewayStatus? Status { get; init; }
}

public sealed record GatewaySpec
{
    [JsonPropertyName("gatewayClassName"), JsonRequired]
    public required string GatewayClassName { get; init; }

    [JsonPropertyName("listeners"), JsonRequired]
    public required IReadOnlyList<Listener> Listeners { get; init; }

    /// <summary>Requested addresses; Switchyard serves on its entry points and does not allocate addresses (ignored).</summary>
    [JsonPropertyName("addresses")]
    public IReadOnlyList<GatewayAddress>? Addresses { get; init; }

    [JsonPropertyName("infrastructure")]
    public GatewayInfrastructure? Infrastructure { get; init; }
}

public sealed record GatewayAddress
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("value")]
    public string? Value { get; init; }
}

public sealed record GatewayInfrastructure
{
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("parametersRef")]
    public ParametersReference? ParametersRef { get; init; }
}

/// <summary>One listener: served on the entry point whose address has its port (Traefik's entryPointName).</summary>
public sealed record Listener
{
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("port"), JsonRequired]
    public required int Port { get; init; }

    /// <summary>HTTP, HTTPS, TLS, TCP or UDP (only HTTP and HTTPS are served here).</summary>
    [JsonPropertyName("protocol"), JsonRequired]
    public required string Protocol { get; init; }

    [JsonPropertyName("tls")]
    public ListenerTls? Tls { get; init; }

    [JsonPropertyName("allowedRoutes")]
    public AllowedRoutes? AllowedRoutes { get; init; }
}

public sealed record ListenerTls
{
    /// <summary>Terminate (default) or Passthrough.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    [JsonPropertyName("certificateRefs")]
    public IReadOnlyList<SecretObjectReference>? CertificateRefs { get; init; }

    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, string>? Options { get; init; }
}

public sealed record SecretObjectReference
{
    /// <summary>"" (core) by default.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    /// <summary>Secret by default.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}

public sealed record AllowedRoutes
{
    [JsonPropertyName("namespaces")]
    public RouteNamespaces? Namespaces { get; init; }

    [JsonPropertyName("kinds")]
    public IReadOnlyList<RouteGroupKind>? Kinds { get; init; }
}

public sealed record RouteNamespaces
{
    /// <summary>Same (default), All or Selector.</summary>
    [JsonPropertyName("from")]
    public string? From { get; init; }

    [JsonPropertyName("selector")]
    public V1LabelSelector? Selector { get; init; }
}

public sealed record RouteGroupKind
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }
}

public sealed record GatewayStatus
{
    [JsonPropertyName("addresses")]
    public IReadOnlyList<GatewayAddress>? Addresses { get; init; }

    [JsonPropertyName("conditions")]
    public IReadOnlyList<GatewayCondition>? Conditions { get; init; }

    [JsonPropertyName("listeners")]
    public IReadOnlyList<ListenerStatus>? Listeners { get; init; }
}

public sealed record ListenerStatus
{
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("supportedKinds")]
    public IReadOnlyList<RouteGroupKind>? SupportedKinds { get; init; }

    [JsonPropertyName("attachedRoutes")]
    public int AttachedRoutes { get; init; }

    [JsonPropertyName("conditions")]
    public IReadOnlyList<GatewayCondition>? Conditions { get; init; }
}
