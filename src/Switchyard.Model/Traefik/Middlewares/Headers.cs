using System.Text.Json.Serialization;

namespace Switchyard.Model.Traefik.Middlewares;

/// <summary>headers middleware: custom request/response headers, CORS and security headers.</summary>
public sealed record Headers
{
    /// <summary>Headers set on the request; an empty value removes the header.</summary>
    [JsonPropertyName("customRequestHeaders")]
    public IReadOnlyDictionary<string, string>? CustomRequestHeaders { get; init; }

    /// <summary>Headers set on the response; an empty value removes the header.</summary>
    [JsonPropertyName("customResponseHeaders")]
    public IReadOnlyDictionary<string, string>? CustomResponseHeaders { get; init; }

    /// <summary>CORS: Access-Control-Allow-Credentials (only true is meaningful).</summary>
    [JsonPropertyName("accessControlAllowCredentials")]
    public bool? AccessControlAllowCredentials { get; init; }

    /// <summary>CORS: Access-Control-Allow-Headers for preflight answers.</summary>
    [JsonPropertyName("accessControlAllowHeaders")]
    public IReadOnlyList<string>? AccessControlAllowHeaders { get; init; }

    /// <summary>CORS: Access-Control-Allow-Methods for preflight answers.</summary>
    [JsonPropertyName("accessControlAllowMethods")]
    public IReadOnlyList<string>? AccessControlAllowMethods { get; init; }

    /// <summary>CORS: allowed origins; "*" allows all.</summary>
    [JsonPropertyName("accessControlAllowOriginList")]
    public IReadOnlyList<string>? AccessControlAllowOriginList { get; init; }

    /// <summary>CORS: allowed origins as regular expressions.</summary>
    [JsonPropertyName("accessControlAllowOriginListRegex")]
    public IReadOnlyList<string>? AccessControlAllowOriginListRegex { get; init; }

    /// <summary>CORS: Access-Control-Expose-Headers.</summary>
    [JsonPropertyName("accessControlExposeHeaders")]
    public IReadOnlyList<string>? AccessControlExposeHeaders { get; init; }

    /// <summary>CORS: Access-Control-Max-Age in seconds.</summary>
    [JsonPropertyName("accessControlMaxAge")]
    public long? AccessControlMaxAge { get; init; }

    /// <summary>CORS: add or extend the Vary header when the allowed origin is echoed.</summary>
    [JsonPropertyName("addVaryHeader")]
    public bool? AddVaryHeader { get; init; }

    /// <summary>Allowed fully qualified host names.</summary>
    [JsonPropertyName("allowedHosts")]
    public IReadOnlyList<string>? AllowedHosts { get; init; }

    /// <summary>Headers that may hold the proxied host name.</summary>
    [JsonPropertyName("hostsProxyHeaders")]
    public IReadOnlyList<string>? HostsProxyHeaders { get; init; }

    /// <summary>Deprecated: redirect to HTTPS (use redirectScheme).</summary>
    [JsonPropertyName("sslRedirect")]
    public bool? SslRedirect { get; init; }

    /// <summary>Deprecated: redirect to HTTPS with 302.</summary>
    [JsonPropertyName("sslTemporaryRedirect")]
    public bool? SslTemporaryRedirect { get; init; }

    /// <summary>Deprecated: host name used for HTTPS redirects.</summary>
    [JsonPropertyName("sslHost")]
    public string? SslHost { get; init; }

    /// <summary>Header/value pairs that mark a request as HTTPS (e.g. X-Forwarded-Proto: https).</summary>
    [JsonPropertyName("sslProxyHeaders")]
    public IReadOnlyDictionary<string, string>? SslProxyHeaders { get; init; }

    /// <summary>Deprecated: use sslHost for redirects even on HTTPS.</summary>
    [JsonPropertyName("sslForceHost")]
    public bool? SslForceHost { get; init; }

    /// <summary>Strict-Transport-Security max-age; 0 disables the header.</summary>
    [JsonPropertyName("stsSeconds")]
    public long? StsSeconds { get; init; }

    /// <summary>Add includeSubDomains to Strict-Transport-Security.</summary>
    [JsonPropertyName("stsIncludeSubdomains")]
    public bool? StsIncludeSubdomains { get; init; }

    /// <summary>Add preload to Strict-Transport-Security.</summary>
    [JsonPropertyName("stsPreload")]
    public bool? StsPreload { get; init; }

    /// <summary>Send Strict-Transport-Security on plain HTTP too.</summary>
    [JsonPropertyName("forceSTSHeader")]
    public bool? ForceSTSHeader { get; init; }

    /// <summary>X-Frame-Options: DENY.</summary>
    [JsonPropertyName("frameDeny")]
    public bool? FrameDeny { get; init; }

    /// <summary>Custom X-Frame-Options value (overrides frameDeny).</summary>
    [JsonPropertyName("customFrameOptionsValue")]
    public string? CustomFrameOptionsValue { get; init; }

    /// <summary>X-Content-Type-Options: nosniff.</summary>
    [JsonPropertyName("contentTypeNosniff")]
    public bool? ContentTypeNosniff { get; init; }

    /// <summary>X-XSS-Protection: 1; mode=block.</summary>
    [JsonPropertyName("browserXssFilter")]
    public bool? BrowserXssFilter { get; init; }

    /// <summary>Custom X-XSS-Protection value (overrides browserXssFilter).</summary>
    [JsonPropertyName("customBrowserXSSValue")]
    public string? CustomBrowserXssValue { get; init; }

    /// <summary>Content-Security-Policy value.</summary>
    [JsonPropertyName("contentSecurityPolicy")]
    public string? ContentSecurityPolicy { get; init; }

    /// <summary>Content-Security-Policy-Report-Only value.</summary>
    [JsonPropertyName("contentSecurityPolicyReportOnly")]
    public string? ContentSecurityPolicyReportOnly { get; init; }

    /// <summary>Public-Key-Pins value (HPKP).</summary>
    [JsonPropertyName("publicKey")]
    public string? PublicKey { get; init; }

    /// <summary>Referrer-Policy value.</summary>
    [JsonPropertyName("referrerPolicy")]
    public string? ReferrerPolicy { get; init; }

    /// <summary>Deprecated: Feature-Policy value (use permissionsPolicy).</summary>
    [JsonPropertyName("featurePolicy")]
    public string? FeaturePolicy { get; init; }

    /// <summary>Permissions-Policy value.</summary>
    [JsonPropertyName("permissionsPolicy")]
    public string? PermissionsPolicy { get; init; }

    /// <summary>Development mode: disables some security checks (AllowedHosts, SSL, STS).</summary>
    [JsonPropertyName("isDevelopment")]
    public bool? IsDevelopment { get; init; }
}
