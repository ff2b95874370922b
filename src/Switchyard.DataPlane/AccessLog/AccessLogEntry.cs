using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// What one call's access log line needs, captured on the request path as references and integers (pooled, so
/// a call allocates nothing of its own); strings are built on the writer thread. While the call runs it sits in
/// the request's features, where the forwarder records the server, the origin's status and its duration.
/// </summary>
public sealed class AccessLogEntry
{
    internal long StartTimestamp;
    internal long EndTimestamp;
    /// <summary>Set by the writer from <see cref="StartTimestamp"/> just before the line is formatted.</summary>
    internal DateTime StartUtc;
    internal string EntryPoint = "";
    internal string? RouterName;
    internal string? ServiceName;
    internal IPAddress? ClientAddress;
    internal int ClientPort;
    internal string? ForwardedFor;
    internal string? Host;
    internal string Method = "";
    internal string Path = "";
    internal string Query = "";
    internal string Protocol = "";
    internal bool Https;
    internal SslProtocols TlsProtocol;
    internal System.Net.Security.TlsCipherSuite? TlsCipher;
    internal string? TlsClientSubject;
    internal string? Referer;
    internal string? UserAgent;
    internal long RequestContentLength;
    internal int DownstreamStatus;
    internal long DownstreamContentLength;
    internal int GrpcProtocol;
    internal int GrpcStatus = -1;
    internal string? GrpcMessage;

    /// <summary>The authenticated user (basicAuth, digestAuth, forwardAuth headerField): Traefik's ClientUsername.</summary>
    public string? ClientUsername { get; internal set; }
    internal long RequestCount;

    /// <summary>The server the last attempt went to (Traefik's ServiceURL), null when no backend was called.</summary>
    internal string? ServiceUrl;
    internal int OriginStatus;
    internal long OriginTicks;
    internal int Attempts;
    // Made on first use: with no header captured (the default) the lists never exist, and the writer's Reset touches
    // no two more objects per line (most of a line's cost on the writer is such first touches).
    private List<KeyValuePair<string, string>>? _requestHeaders;
    private List<KeyValuePair<string, string>>? _responseHeaders;

    internal List<KeyValuePair<string, string>> RequestHeaders => _requestHeaders ??= [];

    internal List<KeyValuePair<string, string>> ResponseHeaders => _responseHeaders ??= [];

    internal TimeSpan Duration => Stopwatch.GetElapsedTime(StartTimestamp, EndTimestamp);

    /// <summary>The forwarder is about to call <paramref name="serverUrl"/> (once per attempt); returns the attempt start.</summary>
    public long OnForward(string serverUrl)
    {
        ServiceUrl = serverUrl;
        Attempts++;
        return Stopwatch.GetTimestamp();
    }

    /// <summary>The backend answered (or the attempt failed): its status and how long it took.</summary>
    public void OnOrigin(int status, long attemptStart)
    {
        OriginStatus = status;
        OriginTicks = Stopwatch.GetTimestamp() - attemptStart;
    }

    /// <param name="start">The call's start (Stopwatch timestamp), read by the caller: the metrics' own when they are on.</param>
    internal void Capture(HttpContext context, string entryPoint, long requestCount, int protocol, CapturedFields captured, long start)
    {
        // StartUTC is derived from this on the writer (StartClock): no wall-clock read per call.
        StartTimestamp = start;
        EntryPoint = entryPoint;
        RequestCount = requestCount;
        var connection = context.Connection;
        ClientAddress = connection.RemoteIpAddress;
        ClientPort = connection.RemotePort;
        var request = context.Request;
        var headers = request.Headers;
        ForwardedFor = headers["X-Forwarded-For"] is { Count: > 0 } xff ? xff[0] : null;
        Host = request.Host.HasValue ? request.Host.Value : null;
        Method = request.Method;
        Path = request.Path.Value ?? "";
        Query = request.QueryString.Value ?? "";
        Protocol = request.Protocol;
        if ((captured & CapturedFields.RefererAndUserAgent) != 0)
        {
            Referer = headers.Referer is { Count: > 0 } referer ? referer[0] : null;
            UserAgent = headers.UserAgent is { Count: > 0 } agent ? agent[0] : null;
        }

        RequestContentLength = request.ContentLength ?? 0;
        Https = request.IsHttps;
        GrpcProtocol = protocol is Metrics.RequestLabels.Grpc or Metrics.RequestLabels.GrpcWeb ? protocol : 0;
        if (Https && context.Features.Get<ITlsHandshakeFeature>() is { } tls)
        {
            TlsProtocol = tls.Protocol;
            TlsCipher = tls.NegotiatedCipherSuite;
            TlsClientSubject = connection.ClientCertificate?.Subject;
        }

        if ((captured & CapturedFields.Headers) != 0)
        {
            foreach (var (name, value) in headers)
            {
                RequestHeaders.Add(new(name, value.ToString()));
            }
        }
    }

    /// <param name="grpcStatus">The call's grpc-status (read once per call by the caller), GrpcStatusSeries.None when absent.</param>
    /// <param name="end">The call's end (Stopwatch timestamp), read by the caller: the metrics' own when they measured it.</param>
    internal void Complete(HttpContext context, int status, int grpcStatus, CapturedFields captured, long end)
    {
        EndTimestamp = end;
        DownstreamStatus = status;
        var response = context.Response;
        DownstreamContentLength = response.ContentLength ?? 0;
        if ((captured & CapturedFields.Headers) != 0)
        {
            foreach (var (name, value) in response.Headers)
            {
                ResponseHeaders.Add(new(name, value.ToString()));
            }
        }

        if (GrpcProtocol == 0)
        {
            return;
        }

        GrpcStatus = grpcStatus;
        if ((captured & CapturedFields.GrpcMessage) == 0)
        {
            return;
        }

        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var message = trailers?.GrpcMessage ?? default;
        if (message.Count == 0)
        {
            message = response.Headers.GrpcMessage;
        }

        GrpcMessage = message.Count > 0 ? message[0] : GrpcProtocol == Metrics.RequestLabels.GrpcWeb ? Metrics.GrpcStatusReport.Message(context) : null;
    }

    /// <summary>Records the authenticated user on the call's access log line (when the access log is on).</summary>
    internal static void SetClientUsername(HttpContext context, string user)
    {
        if (context.Features.Get<AccessLogEntry>() is { } entry)
        {
            entry.ClientUsername = user;
        }
    }

    internal void Reset()
    {
        // The request's own strings too: an entry waits in the pool (an old object by then) for its next call, and a
        // path or query it still pointed to survived the next gen0 collection and was promoted for nothing (bytes
        // promoted out of gen0 a call 208 against 272: docs/performance-log.md, 2026-12-08 03:38).
        Path = Query = "";
        RouterName = ServiceName = ForwardedFor = Host = Referer = UserAgent = TlsClientSubject = GrpcMessage = ServiceUrl = ClientUsername = null;
        TlsCipher = null;
        ClientAddress = null;
        TlsProtocol = SslProtocols.None;
        Https = false;
        GrpcProtocol = OriginStatus = Attempts = 0;
        GrpcStatus = -1;
        OriginTicks = 0;
        _requestHeaders?.Clear();
        _responseHeaders?.Clear();
    }
}
