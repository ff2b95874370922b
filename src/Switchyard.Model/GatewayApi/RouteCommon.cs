using System.Text.Json.Serialization;

namespace Switchyard.Model.GatewayApi;

/// <summary>A route's parent: a Gateway (the only kind Switchyard implements), optionally one listener by section name or port.</summary>
public sealed record ParentReference
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("sectionName")]
    public string? SectionName { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }
}

/// <summary>A backend of a route rule: a Service port by default, with a relative weight (default 1).</summary>
public sealed record RouteBackendRef
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    [JsonPropertyName("weight")]
    public int? Weight { get; init; }

    /// <summary>Per-backend filters (extended support): refused with a status condition.</summary>
    [JsonPropertyName("filters")]
    public IReadOnlyList<RouteFilter>? Filters { get; init; }
}

/// <summary>A backend named by a filter (RequestMirror): no weight, no filters.</summary>
public sealed record BackendObjectReference
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }
}

/// <summary>
/// One filter of an HTTPRoute or GRPCRoute rule (the GRPCRoute has no RequestRedirect/URLRewrite; its schema refuses them).
/// </summary>
public sealed record RouteFilter
{
    /// <summary>RequestHeaderModifier, ResponseHeaderModifier, RequestMirror, RequestRedirect, URLRewrite or ExtensionRef.</summary>
    [JsonPropertyName("type"), JsonRequired]
    public required string Type { get; init; }

    [JsonPropertyName("requestHeaderModifier")]
    public HeaderModifier? RequestHeaderModifier { get; init; }

    [JsonPropertyName("responseHeaderModifier")]
    public HeaderModifier? ResponseHeaderModifier { get; init; }

    [JsonPropertyName("requestMirror")]
    public RequestMirrorFilter? RequestMirror { get; init; }

    [JsonPropertyName("requestRedirect")]
    public RequestRedirectFilter? RequestRedirect { get; init; }

    [JsonPropertyName("urlRewrite")]
    public UrlRewriteFilter? UrlRewrite { get; init; }

    [JsonPropertyName("extensionRef")]
    public LocalObjectReference? ExtensionRef { get; init; }
}

public sealed record HeaderModifier
{
    [JsonPropertyName("set")]
    public IReadOnlyList<HeaderValue>? Set { get; init; }

    [JsonPropertyName("add")]
    public IReadOnlyList<HeaderValue>? Add { get; init; }

    [JsonPropertyName("remove")]
    public IReadOnlyList<string>? Remove { get; init; }
}

public sealed record HeaderValue
{
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("value"), JsonRequired]
    public required string Value { get; init; }
}

public sealed record RequestMirrorFilter
{
    [JsonPropertyName("backendRef"), JsonRequired]
    public required BackendObjectReference BackendRef { get; init; }

    [JsonPropertyName("percent")]
    public int? Percent { get; init; }

    [JsonPropertyName("fraction")]
    public MirrorFraction? Fraction { get; init; }
}

public sealed record MirrorFraction
{
    [JsonPropertyName("numerator"), JsonRequired]
    public required int Numerator { get; init; }

    [JsonPropertyName("denominator")]
    public int? Denominator { get; init; }
}

public sealed record RequestRedirectFilter
{
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("path")]
    public PathModifier? Path { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    [JsonPropertyName("statusCode")]
    public int? StatusCode { get; init; }
}

public sealed record UrlRewriteFilter
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("path")]
    public PathModifier? Path { get; init; }
}

public sealed record PathModifier
{
    /// <summary>ReplaceFullPath or ReplacePrefixMatch.</summary>
    [JsonPropertyName("type"), JsonRequired]
    public required string Type { get; init; }

    [JsonPropertyName("replaceFullPath")]
    public string? ReplaceFullPath { get; init; }

    [JsonPropertyName("replacePrefixMatch")]
    public string? ReplacePrefixMatch { get; init; }
}

/// <summary>ExtensionRef target: a Traefik Middleware (group traefik.io, kind Middleware) in the route's namespace.</summary>
public sealed record LocalObjectReference
{
    [JsonPropertyName("group"), JsonRequired]
    public required string Group { get; init; }

    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }
}

/// <summary>Header match of a route (Exact by default, or RegularExpression).</summary>
public sealed record HeaderMatch
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    [JsonPropertyName("value"), JsonRequired]
    public required string Value { get; init; }
}

/// <summary>Status of a route: one entry per parentRef this controller handles.</summary>
public sealed record RouteStatus
{
    [JsonPropertyName("parents")]
    public IReadOnlyList<RouteParentStatus>? Parents { get; init; }
}

public sealed record RouteParentStatus
{
    [JsonPropertyName("parentRef"), JsonRequired]
    public required ParentReference ParentRef { get; init; }

    [JsonPropertyName("controllerName"), JsonRequired]
    public required string ControllerName { get; init; }

    [JsonPropertyName("conditions")]
    public IReadOnlyList<GatewayCondition>? Conditions { get; init; }
}
