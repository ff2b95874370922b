using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.GatewayApi;

/// <summary>
/// BackendTLSPolicy (v1, standard channel since v1.4): how the Gateway connects to the Services it names — TLS with
/// <c>validation.hostname</c> as SNI, the backend's certificate verified against the CA certificates of
/// <c>validation.caCertificateRefs</c> (or the system's with <c>wellKnownCACertificates: System</c>).
/// </summary>
public sealed record BackendTlsPolicy : ITraefikObject
{
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    [JsonPropertyName("spec"), JsonRequired]
    public required BackendTlsPolicySpec Spec { get; init; }

    [JsonPropertyName("status")]
    public PolicyStatus? Status { get; init; }
}

public sealed record BackendTlsPolicySpec
{
    /// <summary>The Services (core group, kind Service) of the policy's namespace; sectionName names one port.</summary>
    [JsonPropertyName("targetRefs"), JsonRequired]
    public required IReadOnlyList<PolicyTargetReference> TargetRefs { get; init; }

    [JsonPropertyName("validation"), JsonRequired]
    public required BackendTlsValidation Validation { get; init; }

    /// <summary>Implementation-specific TLS options; Switchyard defines none (ignored).</summary>
    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, string>? Options { get; init; }
}

/// <summary>LocalPolicyTargetReferenceWithSectionName.</summary>
public sealed record PolicyTargetReference
{
    [JsonPropertyName("group"), JsonRequired]
    public required string Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>For a Service: the name of one of its ports; unset ⇒ every port.</summary>
    [JsonPropertyName("sectionName")]
    public string? SectionName { get; init; }
}

public sealed record BackendTlsValidation
{
    /// <summary>ConfigMaps (core) or Secrets with a <c>ca.crt</c> key, in the policy's namespace.</summary>
    [JsonPropertyName("caCertificateRefs")]
    public IReadOnlyList<CaCertificateReference>? CaCertificateRefs { get; init; }

    /// <summary>"System": the system's trusted CAs.</summary>
    [JsonPropertyName("wellKnownCACertificates")]
    public string? WellKnownCaCertificates { get; init; }

    /// <summary>The SNI, and the name the certificate must carry unless subjectAltNames is set.</summary>
    [JsonPropertyName("hostname"), JsonRequired]
    public required string Hostname { get; init; }

    [JsonPropertyName("subjectAltNames")]
    public IReadOnlyList<SubjectAltName>? SubjectAltNames { get; init; }
}

/// <summary>A LocalObjectReference of the policy (group "" for the core group).</summary>
public sealed record CaCertificateReference
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }
}

public sealed record SubjectAltName
{
    /// <summary>Hostname or URI.</summary>
    [JsonPropertyName("type"), JsonRequired]
    public required string Type { get; init; }

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("uri")]
    public string? Uri { get; init; }
}

/// <summary>Status of a direct policy: one entry per ancestor (Gateway) and controller.</summary>
public sealed record PolicyStatus
{
    [JsonPropertyName("ancestors")]
    public IReadOnlyList<PolicyAncestorStatus>? Ancestors { get; init; }
}

public sealed record PolicyAncestorStatus
{
    [JsonPropertyName("ancestorRef"), JsonRequired]
    public required ParentReference AncestorRef { get; init; }

    [JsonPropertyName("controllerName"), JsonRequired]
    public required string ControllerName { get; init; }

    [JsonPropertyName("conditions")]
    public IReadOnlyList<GatewayCondition>? Conditions { get; init; }
}
