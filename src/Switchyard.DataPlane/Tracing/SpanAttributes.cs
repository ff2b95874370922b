using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Switchyard.DataPlane.Forwarding;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// The attributes Traefik puts on its spans (pkg/observability/tracing/tracing.go: CaptureServerRequest,
/// CaptureClientRequest, CaptureResponse, safeURL), built only for recorded spans: an unsampled call builds none.
/// Each key is set once per span, so tags are appended (Activity.AddTag) rather than set: SetTag searches the span's
/// tag list under its lock for an existing key, which made building a span quadratic in its number of tags.
/// </summary>
internal static class SpanAttributes
{
    private const string Redacted = "REDACTED";

    private static readonly object[] BoxedCodes = [.. Enumerable.Range(0, 1000).Select(c => (object)c)];

    // Go's ContentLength -1 (unknown: a gRPC request has none), boxed once.
    private static readonly object UnknownLength = -1L;

    /// <summary>The entry point span's request attributes (OpenTelemetry HTTP server conventions).</summary>
    public static void ServerRequest(Activity span, HttpContext context, TracingOptions options)
    {
        var request = context.Request;
        span.AddTag("http.request.method", request.Method);
        span.AddTag("network.protocol.version", ProtocolVersion(request.Protocol));
        // Traefik records Go's ContentLength, -1 when unknown.
        span.AddTag("http.request.body.size", request.ContentLength is { } length ? length : UnknownLength);
        Tag(span, "url.path", request.Path.Value);
        span.AddTag("url.query", SafeQuery(request.QueryString, options.SafeQueryParams));
        span.AddTag("url.scheme", request.Headers["X-Forwarded-Proto"] is { Count: > 0 } proto ? proto[0] : request.Scheme);
        span.AddTag("user_agent.original", request.Headers.UserAgent.ToString());
        Tag(span, "server.address", request.Host.Value);
        var connection = context.Connection;
        if (connection.RemoteIpAddress is { } peer)
        {
            var address = PeerAddresses.Text(peer);
            span.AddTag("network.peer.address", address);
            span.AddTag("client.address", address);
            object port = connection.RemotePort; // boxed once for both tags
            span.AddTag("client.port", port);
            span.AddTag("network.peer.port", port);
        }

        RequestHeaders(span, request.Headers, options);
    }

    /// <summary>The ReverseProxy span's request attributes (HTTP client conventions): the upstream server's address.</summary>
    public static void ClientRequest(Activity span, HttpContext context, BackendServer server, Version version, TracingOptions options)
    {
        var request = context.Request;
        span.AddTag("http.request.method", request.Method);
        span.AddTag("network.protocol.version", version.Major >= 2 ? version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) : version.ToString());
        var scheme = server.Scheme == Switchyard.Routing.Table.ServerScheme.Https ? "https" : "http";
        var query = SafeQuery(request.QueryString, options.SafeQueryParams);
        span.AddTag("url.full", $"{server.Prefix}{request.PathBase}{request.Path}{(query.Length > 0 ? "?" + query : "")}");
        span.AddTag("url.scheme", scheme);
        span.AddTag("user_agent.original", request.Headers.UserAgent.ToString());
        object port = server.Port; // boxed once for both tags
        span.AddTag("network.peer.address", server.Host);
        span.AddTag("network.peer.port", port);
        span.AddTag("server.address", server.Host);
        span.AddTag("server.port", port);
        RequestHeaders(span, request.Headers, options);
    }

    /// <summary>
    /// Status and response headers. Server and internal spans are errors from 500 on, client spans from 400 on, as
    /// in Traefik's serverStatus / clientStatus; codes outside 100–599 are errors everywhere.
    /// </summary>
    public static void Response(Activity span, HttpResponse response, int status, TracingOptions options)
    {
        var errorFrom = span.Kind == ActivityKind.Client ? 400 : 500;
        if (status is < 100 or >= 600)
        {
            span.SetStatus(ActivityStatusCode.Error, $"Invalid HTTP status code {status}");
        }
        else if (status >= errorFrom)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }

        if (status > 0)
        {
            span.AddTag("http.response.status_code", Boxed(status));
        }

        foreach (var name in options.CapturedResponseHeaders)
        {
            if (response.Headers.TryGetValue(name, out var value))
            {
                span.SetTag("http.response.header." + name.ToLowerInvariant(), value.ToArray());
            }
        }
    }

    /// <summary>A tag whose value may be missing (SetTag with null adds nothing; AddTag would add a null).</summary>
    internal static void Tag(Activity span, string key, string? value)
    {
        if (value is not null)
        {
            span.AddTag(key, value);
        }
    }

    /// <summary>Status codes (HTTP 100..999, gRPC 0..16) boxed once, not per span.</summary>
    internal static object Boxed(int code) => (uint)code < (uint)BoxedCodes.Length ? BoxedCodes[code] : code;

    private static void RequestHeaders(Activity span, IHeaderDictionary headers, TracingOptions options)
    {
        foreach (var name in options.CapturedRequestHeaders)
        {
            // User-Agent is already user_agent.original (Traefik skips it too).
            if (!name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) && headers.TryGetValue(name, out var value))
            {
                span.SetTag("http.request.header." + name.ToLowerInvariant(), value.ToArray());
            }
        }
    }

    /// <summary>
    /// The query with the value of every parameter not in safeQueryParams replaced by REDACTED, keys sorted and
    /// escaped as Go's url.Values.Encode does (Traefik's safeURL). Empty when there is no query.
    /// </summary>
    public static string SafeQuery(QueryString query, System.Collections.Immutable.ImmutableArray<string> safe)
    {
        if (!query.HasValue || query.Value!.Length <= 1)
        {
            return "";
        }

        var parsed = QueryHelpers.ParseQuery(query.Value);
        var text = new StringBuilder();
        foreach (var key in parsed.Keys.Order(StringComparer.Ordinal))
        {
            var keep = safe.Contains(key);
            foreach (var value in parsed[key])
            {
                if (text.Length > 0)
                {
                    text.Append('&');
                }

                text.Append(Uri.EscapeDataString(key)).Append('=').Append(keep ? Uri.EscapeDataString(value ?? "") : Redacted);
                if (!keep)
                {
                    // Go's Values.Set leaves one REDACTED value per key.
                    break;
                }
            }
        }

        return text.ToString();
    }

    /// <summary>HTTP/1.1 → 1.1, HTTP/2 → 2 (Traefik's proto()).</summary>
    private static string ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.0" => "1.0",
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        _ => protocol,
    };
}
