using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Traefik's OpenTelemetry semantic-convention histograms, pushed whenever metrics.otlp is on (Traefik's
/// SemConvMetricsRegistry, pkg/observability/metrics/otel.go, bucketed by explicitBoundaries):
/// <c>http.server.request.duration</c> once per call (pkg/middlewares/observability/semconv.go) and
/// <c>http.client.request.duration</c> once per attempt to a server (pkg/proxy/httputil/observability.go), for the
/// calls of routers whose metrics are on (observability.metrics, internal routers only with addInternals) and calls no
/// router matched. Attributes are Traefik's, values as Go's net/http gives them to it: an HTTP/2 request's protocol is
/// Go's "HTTP/2.0", so network.protocol.name is "http/2.0" and network.protocol.version "HTTP/2.0" (Traefik's Proto()
/// maps only "HTTP/2"), url.scheme is the X-Forwarded-Proto header, server.address the Host (server) or the server
/// URL's host[:port] (client), and a client attempt's protocol is always "http/1.1" / "1.1" (Traefik's proxy sets the
/// outgoing request's Proto so). The tags sit in a stack-held TagList and every string and boxed number is made once.
/// </summary>
internal sealed class SemConvDurations(Histogram<double> server, Histogram<double> client)
{
    public const string ServerName = "http.server.request.duration";
    public const string ClientName = "http.client.request.duration";

    private const int ServerLimit = 4096; // servers come and go; a full cache starts again rather than growing

    private static readonly string?[] ErrorTypes = new string?[1000];
    private static readonly object?[] BoxedPorts = new object?[65536];

    private readonly ConcurrentDictionary<string, string> _addresses = new(StringComparer.Ordinal);

    /// <summary>A call ended with <paramref name="status"/> after <paramref name="ticks"/> (Stopwatch ticks).</summary>
    public void RecordServer(HttpContext context, int status, long ticks)
    {
        var request = context.Request;
        var (name, version) = Protocol(request.Protocol);
        var tags = new TagList
        {
            { "http.request.method", request.Method },
            { "url.scheme", request.Headers[Pipeline.ForwardedHeaders.XForwardedProto].ToString() },
            { "http.response.status_code", SpanAttributes.Boxed(status) },
            { "network.protocol.name", name },
            { "network.protocol.version", version },
            { "server.address", request.Host.Value ?? "" },
        };
        AddErrorType(ref tags, status);
        server.Record(ticks / (double)Stopwatch.Frequency, tags);
    }

    /// <summary>An attempt to <paramref name="target"/> got <paramref name="status"/> (the gateway's error status when it failed).</summary>
    public void RecordClient(HttpContext context, BackendServer target, int status, long ticks)
    {
        var request = context.Request;
        var tags = new TagList
        {
            { "http.request.method", request.Method },
            { "server.address", Address(target.Url) },
            { "server.port", BoxedPorts[target.Port & 0xFFFF] ??= target.Port },
            { "http.response.status_code", SpanAttributes.Boxed(status) },
            // Traefik's proxy sets the outgoing request's Proto to HTTP/1.1 whatever the wire (pkg/proxy/httputil/proxy.go).
            { "network.protocol.name", "http/1.1" },
            { "network.protocol.version", "1.1" },
            { "url.scheme", request.Headers[Pipeline.ForwardedHeaders.XForwardedProto].ToString() },
        };
        AddErrorType(ref tags, status);
        client.Record(ticks / (double)Stopwatch.Frequency, tags);
    }

    /// <summary>
    /// A failed attempt's status, as Traefik's ComputeStatusCode (pkg/proxy/httputil/proxy.go) gives it: 499 when the
    /// caller went away (context canceled), 504 on a timeout, 502 otherwise.
    /// </summary>
    public static int StatusOf(ForwarderError error) => error switch
    {
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            or ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeRequestCanceled
            or ForwarderError.UpgradeResponseCanceled => 499,
        ForwarderError.RequestTimedOut => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status502BadGateway,
    };

    /// <summary>Go's request Proto for ASP.NET Core's protocol, lower-cased (name) and through Traefik's Proto() (version).</summary>
    internal static (string Name, string Version) Protocol(string protocol) => protocol switch
    {
        "HTTP/1.1" => ("http/1.1", "1.1"),
        "HTTP/2" => ("http/2.0", "HTTP/2.0"),
        "HTTP/3" => ("http/3.0", "HTTP/3.0"),
        "HTTP/1.0" => ("http/1.0", "1.0"),
        _ => (protocol.ToLowerInvariant(), protocol),
    };

    /// <summary>error.type: the status from 400, Traefik's text for a status outside 100..599.</summary>
    private static void AddErrorType(ref TagList tags, int status)
    {
        if (status is < 100 or >= 600)
        {
            tags.Add("error.type", $"Invalid HTTP status code ; {status}");
        }
        else if (status >= 400)
        {
            tags.Add("error.type", ErrorTypes[status] ??= status.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Go's URL.Host of a server URL: what sits between "://" and the path (the port only when written).</summary>
    private string Address(string url)
    {
        if (_addresses.TryGetValue(url, out var address))
        {
            return address;
        }

        var start = url.IndexOf("://", StringComparison.Ordinal);
        start = start < 0 ? 0 : start + 3;
        var end = url.IndexOf('/', start);
        address = end < 0 ? url[start..] : url[start..end];
        if (_addresses.Count >= ServerLimit)
        {
            _addresses.Clear();
        }

        _addresses[url] = address;
        return address;
    }
}
