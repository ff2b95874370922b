using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik.Middlewares;

/// <summary>errors middleware: custom error pages.</summary>
public sealed record ErrorPage
{
    /// <summary>Statuses that trigger the error page: 500, 500,502, 500-599.</summary>
    [JsonPropertyName("status")]
    public IReadOnlyList<string>? Status { get; init; }

    /// <summary>Status rewrites, e.g. "418": 404 or "410-418": 404.</summary>
    [JsonPropertyName("statusRewrites")]
    public IReadOnlyDictionary<string, int>? StatusRewrites { get; init; }

    /// <summary>The service that serves the error page.</summary>
    [JsonPropertyName("service")]
    public LoadBalancerSpec? Service { get; init; }

    /// <summary>URL of the error page; {status}, {originalStatus}, {url} are substituted.</summary>
    [JsonPropertyName("query")]
    public string? Query { get; init; }

    /// <summary>Request headers forwarded to the error service (absent: all).</summary>
    [JsonPropertyName("errorRequestHeaders")]
    public IReadOnlyList<string>? ErrorRequestHeaders { get; init; }
}

/// <summary>tap middleware (Traefik v3.7): copies requests/responses to a service.</summary>
public sealed record Tap
{
    /// <summary>Where and how requests are sent (absent: not sent).</summary>
    [JsonPropertyName("request")]
    public TapRequestRecord? Request { get; init; }

    /// <summary>Where and how responses are sent (absent: not sent).</summary>
    [JsonPropertyName("response")]
    public TapResponseRecord? Response { get; init; }

    /// <summary>Maximum time to send one record (default 10s).</summary>
    [JsonPropertyName("timeout")]
    public IntOrString? Timeout { get; init; }
}

/// <summary>Request records of the tap middleware.</summary>
public sealed record TapRequestRecord
{
    /// <summary>Service the records are sent to.</summary>
    [JsonPropertyName("service")]
    public LoadBalancerSpec? Service { get; init; }

    /// <summary>Path of the record requests (default /).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>Include the body (default true).</summary>
    [JsonPropertyName("body")]
    public bool? Body { get; init; }

    /// <summary>Maximum body bytes kept (-1: no limit).</summary>
    [JsonPropertyName("maxBodySize")]
    public long? MaxBodySize { get; init; }

    /// <summary>Reject the call when its record cannot be sent.</summary>
    [JsonPropertyName("failClosed")]
    public bool? FailClosed { get; init; }
}

/// <summary>Response records of the tap middleware.</summary>
public sealed record TapResponseRecord
{
    /// <summary>Service the records are sent to.</summary>
    [JsonPropertyName("service")]
    public LoadBalancerSpec? Service { get; init; }

    /// <summary>Path of the record requests (default /).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>Include the body (default true).</summary>
    [JsonPropertyName("body")]
    public bool? Body { get; init; }

    /// <summary>Maximum body bytes kept (-1: no limit).</summary>
    [JsonPropertyName("maxBodySize")]
    public long? MaxBodySize { get; init; }

    /// <summary>Reject the call when its record cannot be sent.</summary>
    [JsonPropertyName("failClosed")]
    public bool? FailClosed { get; init; }

    /// <summary>Request headers described in the response records.</summary>
    [JsonPropertyName("requestHeaders")]
    public IReadOnlyList<string>? RequestHeaders { get; init; }
}
