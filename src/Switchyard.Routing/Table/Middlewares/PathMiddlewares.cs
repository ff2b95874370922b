using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

public sealed record AddPrefixConfig(string Prefix) : MiddlewareConfig;

public sealed record StripPrefixConfig(ImmutableArray<string> Prefixes, bool ForceSlash) : MiddlewareConfig;

public sealed record StripPrefixRegexConfig(ImmutableArray<RegexPattern> Regex) : MiddlewareConfig;

public sealed record ReplacePathConfig(string Path) : MiddlewareConfig;

public sealed record ReplacePathRegexConfig(RegexPattern Regex, string Replacement) : MiddlewareConfig;

public sealed record RedirectRegexConfig(RegexPattern Regex, string Replacement, bool Permanent) : MiddlewareConfig;

public sealed record RedirectSchemeConfig(string Scheme, string? Port, bool Permanent) : MiddlewareConfig;
