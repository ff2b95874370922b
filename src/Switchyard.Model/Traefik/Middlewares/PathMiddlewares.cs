using System.Text.Json.Serialization;

namespace Switchyard.Model.Traefik.Middlewares;

/// <summary>addPrefix middleware.</summary>
public sealed record AddPrefix
{
    /// <summary>Prefix to add to the request path.</summary>
    [JsonPropertyName("prefix")]
    public string? Prefix { get; init; }
}

/// <summary>stripPrefix middleware.</summary>
public sealed record StripPrefix
{
    /// <summary>Prefixes to strip from the request path.</summary>
    [JsonPropertyName("prefixes")]
    public IReadOnlyList<string>? Prefixes { get; init; }

    /// <summary>Deprecated: ensure the resulting path starts with a slash.</summary>
    [JsonPropertyName("forceSlash")]
    public bool? ForceSlash { get; init; }
}

/// <summary>stripPrefixRegex middleware.</summary>
public sealed record StripPrefixRegex
{
    /// <summary>Regular expressions matching the prefixes to strip.</summary>
    [JsonPropertyName("regex")]
    public IReadOnlyList<string>? Regex { get; init; }
}

/// <summary>replacePath middleware.</summary>
public sealed record ReplacePath
{
    /// <summary>The new request path.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }
}

/// <summary>replacePathRegex middleware.</summary>
public sealed record ReplacePathRegex
{
    /// <summary>Regular expression matching the path.</summary>
    [JsonPropertyName("regex")]
    public string? Regex { get; init; }

    /// <summary>Replacement path, may use capture groups ($1).</summary>
    [JsonPropertyName("replacement")]
    public string? Replacement { get; init; }
}

/// <summary>chain middleware.</summary>
public sealed record Chain
{
    /// <summary>Middlewares composing the chain, in order.</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }
}

/// <summary>redirectRegex middleware.</summary>
public sealed record RedirectRegex
{
    /// <summary>Regular expression matching the request URL.</summary>
    [JsonPropertyName("regex")]
    public string? Regex { get; init; }

    /// <summary>Replacement URL, may use capture groups.</summary>
    [JsonPropertyName("replacement")]
    public string? Replacement { get; init; }

    /// <summary>Permanent (301/308) instead of temporary (302/307) redirect.</summary>
    [JsonPropertyName("permanent")]
    public bool? Permanent { get; init; }
}

/// <summary>redirectScheme middleware.</summary>
public sealed record RedirectScheme
{
    /// <summary>Scheme of the new URL.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>Port of the new URL.</summary>
    [JsonPropertyName("port")]
    public string? Port { get; init; }

    /// <summary>Permanent redirect.</summary>
    [JsonPropertyName("permanent")]
    public bool? Permanent { get; init; }
}

/// <summary>encodedCharacters middleware: which encoded characters are allowed in the path.</summary>
public sealed record EncodedCharacters
{
    /// <summary>Allow %2F (encoded slash).</summary>
    [JsonPropertyName("allowEncodedSlash")]
    public bool? AllowEncodedSlash { get; init; }

    /// <summary>Allow %5C (encoded backslash).</summary>
    [JsonPropertyName("allowEncodedBackSlash")]
    public bool? AllowEncodedBackSlash { get; init; }

    /// <summary>Allow %00 (encoded NUL).</summary>
    [JsonPropertyName("allowEncodedNullCharacter")]
    public bool? AllowEncodedNullCharacter { get; init; }

    /// <summary>Allow %3B (encoded semicolon).</summary>
    [JsonPropertyName("allowEncodedSemicolon")]
    public bool? AllowEncodedSemicolon { get; init; }

    /// <summary>Allow %25 (encoded percent).</summary>
    [JsonPropertyName("allowEncodedPercent")]
    public bool? AllowEncodedPercent { get; init; }

    /// <summary>Allow %3F (encoded question mark).</summary>
    [JsonPropertyName("allowEncodedQuestionMark")]
    public bool? AllowEncodedQuestionMark { get; init; }

    /// <summary>Allow %23 (encoded hash).</summary>
    [JsonPropertyName("allowEncodedHash")]
    public bool? AllowEncodedHash { get; init; }
}

/// <summary>contentType middleware.</summary>
public sealed record ContentType
{
    /// <summary>Let the proxy set Content-Type from the body when the backend did not.</summary>
    [JsonPropertyName("autoDetect")]
    public bool? AutoDetect { get; init; }
}

/// <summary>grpcWeb middleware.</summary>
public sealed record GrpcWeb
{
    /// <summary>Allowed origins of gRPC-Web callers; "*" allows all.</summary>
    [JsonPropertyName("allowOrigins")]
    public IReadOnlyList<string>? AllowOrigins { get; init; }
}
