using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>
/// Traefik's headers middleware: custom headers (an empty value removes the header), CORS (preflight
/// answered by the gateway) and security headers. Field names follow Traefik's.
/// </summary>
public sealed record HeadersConfig : MiddlewareConfig
{
    public ImmutableSortedDictionary<string, string> CustomRequestHeaders { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> CustomResponseHeaders { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    // CORS
    public bool AccessControlAllowCredentials { get; init; }
    public ImmutableArray<string> AccessControlAllowHeaders { get; init; } = ImmutableArray<string>.Empty;
    public ImmutableArray<string> AccessControlAllowMethods { get; init; } = ImmutableArray<string>.Empty;
    public ImmutableArray<string> AccessControlAllowOriginList { get; init; } = ImmutableArray<string>.Empty;
    public ImmutableArray<RegexPattern> AccessControlAllowOriginListRegex { get; init; } = ImmutableArray<RegexPattern>.Empty;
    public ImmutableArray<string> AccessControlExposeHeaders { get; init; } = ImmutableArray<string>.Empty;
    public long? AccessControlMaxAge { get; init; }
    public bool AddVaryHeader { get; init; }

    // Security
    public ImmutableArray<string> AllowedHosts { get; init; } = ImmutableArray<string>.Empty;
    public ImmutableArray<string> HostsProxyHeaders { get; init; } = ImmutableArray<string>.Empty;
    public ImmutableSortedDictionary<string, string> SslProxyHeaders { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public long StsSeconds { get; init; }
    public bool StsIncludeSubdomains { get; init; }
    public bool StsPreload { get; init; }
    public bool ForceStsHeader { get; init; }
    public bool FrameDeny { get; init; }
    public string? CustomFrameOptionsValue { get; init; }
    public bool ContentTypeNosniff { get; init; }
    public bool BrowserXssFilter { get; init; }
    public string? CustomBrowserXssValue { get; init; }
    public string? ContentSecurityPolicy { get; init; }
    public string? ContentSecurityPolicyReportOnly { get; init; }
    public string? PublicKey { get; init; }
    public string? ReferrerPolicy { get; init; }
    public string? PermissionsPolicy { get; init; }
    public bool IsDevelopment { get; init; }
}
