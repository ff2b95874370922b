using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

// Middlewares that only the Gateway API provider creates (from HTTPRoute/GRPCRoute filters), like Traefik's internal
// dynamic middlewares of the same names (pkg/config/dynamic/middlewares.go: RequestHeaderModifier,
// ResponseHeaderModifier, RequestRedirect, URLRewrite). No Middleware CRD field produces them.

/// <summary>
/// HTTPHeaderFilter on the request (RequestHeaderModifier) or on the response (ResponseHeaderModifier): set replaces,
/// add appends a value to what is there, remove deletes. Header names are compared case-insensitively.
/// </summary>
public sealed record HeaderModifierConfig(
    ImmutableSortedDictionary<string, string> Set,
    ImmutableSortedDictionary<string, string> Add,
    ImmutableArray<string> Remove);

/// <summary>RequestHeaderModifier filter.</summary>
public sealed record RequestHeaderModifierConfig(HeaderModifierConfig Headers) : MiddlewareConfig;

/// <summary>ResponseHeaderModifier filter.</summary>
public sealed record ResponseHeaderModifierConfig(HeaderModifierConfig Headers) : MiddlewareConfig;

/// <summary>
/// RequestRedirect filter: answers with <see cref="StatusCode"/> and a Location built from the request with the given
/// parts replaced. <see cref="Port"/> null keeps the request's port unless the scheme changes (then the scheme's
/// default port, written nowhere); <see cref="Path"/> replaces the whole path, or only <see cref="PathPrefix"/> when set.
/// </summary>
public sealed record RequestRedirectConfig(string? Scheme, string? Hostname, int? Port, string? Path, string? PathPrefix, int StatusCode) : MiddlewareConfig;

/// <summary>URLRewrite filter: the Host header and/or the path (whole, or the matched <see cref="PathPrefix"/>) sent to the backend.</summary>
public sealed record UrlRewriteConfig(string? Hostname, string? Path, string? PathPrefix) : MiddlewareConfig;

/// <summary>
/// HTTPRoute <c>rules[].timeouts</c> (GEP-1742): <see cref="Request"/> bounds the whole call, <see cref="BackendRequest"/>
/// each attempt at a backend; zero = none. Expiry answers 504 (gRPC DEADLINE_EXCEEDED), or cuts a response already started.
/// </summary>
public sealed record RouteTimeoutsConfig(TimeSpan Request, TimeSpan BackendRequest) : MiddlewareConfig;
