using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>Users are htpasswd lines (user:hash), from the Secret named by <c>secret</c>; redacted in JSON.</summary>
public sealed record BasicAuthConfig(
    ImmutableArray<SecretText> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig;

/// <summary>Users are htdigest lines (user:realm:hash); redacted in JSON.</summary>
public sealed record DigestAuthConfig(
    ImmutableArray<SecretText> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig;

/// <summary>
/// forwardAuth. <c>ServersTransport</c> names the transport built from <c>tls</c> (null: system trust).
/// <c>MaxBodySize</c> -1 means unlimited.
/// </summary>
public sealed record ForwardAuthConfig(
    string Address,
    bool TrustForwardHeader,
    ImmutableArray<string> AuthResponseHeaders,
    RegexPattern? AuthResponseHeadersRegex,
    ImmutableArray<string> AuthRequestHeaders,
    bool ForwardBody,
    long MaxBodySize,
    bool PreserveLocationHeader,
    string? ServersTransport) : MiddlewareConfig
{
    /// <summary>Names of cookies the auth server sets that are copied onto the response to the client (on success).</summary>
    public ImmutableArray<string> AddAuthCookiesToResponse { get; init; } = [];
}
