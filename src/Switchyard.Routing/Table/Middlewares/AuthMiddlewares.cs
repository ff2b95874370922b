using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>Users are htpasswd lines (user:hash), from <c>users</c> or the Secret named by <c>secret</c>.</summary>
public sealed record BasicAuthConfig(
    [property: JsonIgnore] ImmutableArray<string> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig
{
    public int UserCount => Users.Length;
}

/// <summary>Users are htdigest lines (user:realm:hash).</summary>
public sealed record DigestAuthConfig(
    [property: JsonIgnore] ImmutableArray<string> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig
{
    public int UserCount => Users.Length;
}

/// <summary>
/// forwardAuth. <c>ServersTransport</c> names the transport built from <c>tls</c> (null: system trust).
/// <c>MaxBodySize</c> -1 means unlimited.
/// </summary>
public sealed record ForwardAuthConfig(
    string Address,
    bool TrustForwardHeader,
    ImmutableArray<string> AuthResponseHeaders,
    string? AuthResponseHeadersRegex,
    ImmutableArray<string> AuthRequestHeaders,
    bool ForwardBody,
    long MaxBodySize,
    bool PreserveLocationHeader,
    string? ServersTransport) : MiddlewareConfig
{
    /// <summary>Names of cookies the auth server sets that are copied onto the response to the client (on success).</summary>
    public ImmutableArray<string> AddAuthCookiesToResponse { get; init; } = [];
}
