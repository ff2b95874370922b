using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>
/// basicAuth. Users come from the Secret named by <c>secret</c>, parsed by the compiler (one per name, the last line
/// winning as in Traefik), in name order.
/// </summary>
public sealed record BasicAuthConfig(
    ImmutableArray<BasicAuthUser> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig;

/// <summary>digestAuth. Users are the htdigest lines of <c>Realm</c>, parsed by the compiler, in name order.</summary>
public sealed record DigestAuthConfig(
    ImmutableArray<DigestAuthUser> Users,
    string Realm,
    bool RemoveHeader,
    string? HeaderField) : MiddlewareConfig;

/// <summary>A basicAuth user: the name and its htpasswd hash (bcrypt, apr1/MD5-crypt or {SHA}; secret, redacted in JSON).</summary>
public sealed record BasicAuthUser(string Name, SecretText Hash);

/// <summary>A digestAuth user: the name and HA1 = MD5(name:realm:password) in lower-case hex (secret, redacted in JSON).</summary>
public sealed record DigestAuthUser(string Name, SecretText Ha1);

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

    /// <summary>The auth answer's header whose first value is the call's user in the access log (Traefik ClientUsername).</summary>
    public string? HeaderField { get; init; }

    /// <summary>Ask the auth server with the caller's method instead of GET.</summary>
    public bool PreserveRequestMethod { get; init; }

    /// <summary>Where a 401 of the auth server redirects the caller (302), instead of passing the 401 on.</summary>
    public string? AuthSigninUrl { get; init; }

    /// <summary>The most bytes of the auth server's body read (over it: 401); -1: no limit, the body is streamed.</summary>
    public long MaxResponseBodySize { get; init; } = -1;
}
