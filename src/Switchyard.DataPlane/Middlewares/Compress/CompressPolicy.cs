using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Compress;

/// <summary>
/// What compress may do for one response: which encoding the client accepts (from the configured list, in
/// its order; gzip and br are implemented — zstd is not in .NET and is skipped), and whether the response's
/// content type qualifies. application/grpc* is never compressed (gRPC has its own message compression).
/// </summary>
public sealed class CompressPolicy
{
    private static readonly string[] Supported = ["gzip", "br"];
    private readonly string[] _encodings;
    private readonly string[] _excluded;
    private readonly string[] _included;
    private readonly string? _default;

    public CompressPolicy(CompressConfig c)
    {
        var configured = c.Encodings.IsDefaultOrEmpty ? ["gzip", "br"] : c.Encodings.Select(e => e.Trim().ToLowerInvariant());
        _encodings = configured.Where(e => Supported.Contains(e)).ToArray();
        if (_encodings.Length == 0)
        {
            throw new ArgumentException("compress: none of the encodings is supported (gzip, br)");
        }

        _excluded = c.ExcludedContentTypes.IsDefault ? [] : [.. c.ExcludedContentTypes.Select(MediaType)];
        _included = c.IncludedContentTypes.IsDefault ? [] : [.. c.IncludedContentTypes.Select(MediaType)];
        _default = string.IsNullOrEmpty(c.DefaultEncoding) || !_encodings.Contains(c.DefaultEncoding) ? null : c.DefaultEncoding;
        MinBytes = c.MinResponseBodyBytes > 0 ? c.MinResponseBodyBytes : 1024;
    }

    /// <summary>Smaller bodies are sent as they are (Traefik's minResponseBodyBytes, default 1024).</summary>
    public int MinBytes { get; }

    /// <summary>The encoding to use for this request, or null.</summary>
    public string? ChooseEncoding(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0)
        {
            return _default;
        }

        if (!StringWithQualityHeaderValue.TryParseList(header, out var accepted))
        {
            return null;
        }

        foreach (var encoding in _encodings)
        {
            foreach (var value in accepted)
            {
                if (value.Quality is not 0 && (value.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase)))
                {
                    return encoding;
                }
            }
        }

        foreach (var value in accepted)
        {
            if (value.Value == "*" && value.Quality is not 0)
            {
                return _default ?? _encodings[0];
            }
        }

        return null;
    }

    /// <summary>Whether a response with these headers may be compressed.</summary>
    public bool Qualifies(HttpResponse response)
    {
        if (response.StatusCode is < 200 or 204 or 304 || response.Headers.ContainsKey(HeaderNames.ContentEncoding)
            || response.Headers.ContentRange.Count > 0)
        {
            return false;
        }

        var type = MediaType(response.ContentType ?? string.Empty);
        if (type.StartsWith("application/grpc", StringComparison.Ordinal))
        {
            return false;
        }

        if (_included.Length > 0)
        {
            return _included.Contains(type);
        }

        return !_excluded.Contains(type);
    }

    private static string MediaType(string contentType)
    {
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }
}
