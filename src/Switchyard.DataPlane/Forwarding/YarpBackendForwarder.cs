using System.Collections.Frozen;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Services;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Forwards one call to one server with YARP's <see cref="IHttpForwarder"/>. One instance per table: each
/// LoadBalancerService's handler asks <see cref="For"/> once, at table build, for its forwarder, which holds the
/// pool (HttpMessageInvoker from the swap state), version policy and header transformer, so a call does no
/// lookup: it is YARP's copy loop. With <see cref="Http2Upstream"/> on, h2c servers are called through the purpose-built
/// multiplexed client instead (<see cref="GrpcUpstreamForwarder.SendAsync"/>), which reports its outcome as YARP does, so
/// everything around the send (deadlines, access log, tracing, classification, proxy errors) is shared.
/// </summary>
public sealed partial class YarpBackendForwarder : IBackendForwarder
{
    private readonly IHttpForwarder _forwarder;
    private readonly RoutingTable _table;
    private readonly ISwapState _state;
    private readonly ILogger _logger;

    public YarpBackendForwarder(IHttpForwarder forwarder, RoutingTable table, ISwapState state, ILogger logger)
    {
        _forwarder = forwarder;
        _table = table;
        _state = state;
        _logger = logger;
    }

    /// <inheritdoc />
    public IServiceForwarder For(LoadBalancerService service)
    {
        var transport = BackendTransports.Resolve(_table, service.ServersTransport);
        var invoker = BackendTransports.GetInvoker(_state, service.ServersTransport, transport, service.Scheme);
        return new ForwardTarget(this, invoker, RequestConfigFor(service.Scheme, transport),
            service.PassHostHeader ? ForwardingTransformer.PassHost : ForwardingTransformer.RewriteHost,
            transport.Timeouts.ResponseHeaderTimeout)
        {
            Upstream = Http2Upstream ? UpstreamServers.For(_state, service, transport) : null,
        };
    }

    /// <summary>
    /// h2c servers are forwarded to by the purpose-built HTTP/2 client (<see cref="GrpcUpstreamForwarder"/>) instead of
    /// YARP's (<see cref="Http2UpstreamSwitch"/>; the table builder sets it from the static config, the environment
    /// variable overrides it).
    /// </summary>
    internal bool Http2Upstream { get; init; } = Http2UpstreamSwitch.Resolve(Http2UpstreamSwitch.Default);

    /// <summary>Tracing, when on: each attempt of a traced, sampled call gets a ReverseProxy span.</summary>
    internal Tracing.GatewayTracing? Tracing { get; init; }

    private ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendServer server, ForwardTarget target) =>
        Tracing is { IsRecording: true } ? ForwardTracedAsync(context, server, target, Tracing) : ForwardUntracedAsync(context, server, target);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwardOutcome> ForwardTracedAsync(HttpContext context, BackendServer server, ForwardTarget target, Tracing.GatewayTracing tracing)
    {
        // Started in this async method so the span is Activity.Current only for this attempt.
        var span = tracing.StartReverseProxy(context, server, target.RequestConfig.Version ?? HttpVersion.Version11);
        try
        {
            return await ForwardUntracedAsync(context, server, target);
        }
        finally
        {
            if (span is not null)
            {
                tracing.EndReverseProxy(span, context);
            }
        }
    }

    private ValueTask<ForwardOutcome> ForwardUntracedAsync(HttpContext context, BackendServer server, ForwardTarget target)
    {
        var grpcTimeout = ReadGrpcTimeout(context.Request);
        // An HTTPRoute rule's timeouts (only rules that set one have the feature: other calls, streams above all, get no deadline).
        var route = context.Features.Get<RouteTimeouts>();
        if (grpcTimeout is null && target.ResponseHeaderTimeout <= TimeSpan.Zero && route is null)
        {
            return ForwardCoreAsync(context, server, target, deadline: null);
        }

        return ForwardWithDeadlineAsync(context, server, target, grpcTimeout, route);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwardOutcome> ForwardWithDeadlineAsync(HttpContext context, BackendServer server, ForwardTarget target, TimeSpan? grpcTimeout,
        RouteTimeouts? route)
    {
        using var deadline = new ForwardDeadline(grpcTimeout, target.ResponseHeaderTimeout, route);
        context.Features.Set(deadline);
        deadline.Attach(context);
        try
        {
            return await ForwardCoreAsync(context, server, target, deadline);
        }
        finally
        {
            deadline.Detach(context);
            context.Features.Set<ForwardDeadline>(null);
        }
    }

    // Pooled state machine: every call that reaches a backend suspends here, and the box would otherwise be a
    // fresh allocation per call (Bench.Alloc counts it).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwardOutcome> ForwardCoreAsync(HttpContext context, BackendServer server, ForwardTarget target, ForwardDeadline? deadline)
    {
        // Access log: the server of this attempt (ServiceURL), then the origin's status and duration.
        var logEntry = context.Features.Get<AccessLog.AccessLogEntry>();
        // metrics.otlp: http.client.request.duration of this attempt (obs2: the only semconv hook in the forwarder).
        var semConv = context.Features.Get<Metrics.SemConvDurations>();
        var attemptStart = logEntry?.OnForward(server.Url) ?? (semConv is null ? 0 : Stopwatch.GetTimestamp());
        var error = target.Upstream is { } upstream && upstream.TryGetValue(server.Url, out var h2) && !IsUpgrade(context.Request)
            ? await GrpcUpstreamForwarder.SendAsync(context, h2, deadline?.Token ?? CancellationToken.None)
            : await SendWithYarpAsync(context, server, target, deadline);

        logEntry?.OnOrigin(error == ForwarderError.None ? context.Response.StatusCode : 0, attemptStart);
        semConv?.RecordClient(context, server, error == ForwarderError.None ? context.Response.StatusCode : Metrics.SemConvDurations.StatusOf(error),
            Stopwatch.GetTimestamp() - attemptStart);

        if (error == ForwarderError.None)
        {
            return Classify(context.Response);
        }

        var errorFeature = context.Features.Get<IForwarderErrorFeature>();
        if (ForwardFailure.ResponseCompleted(errorFeature))
        {
            // The answer reached the caller (or the grpcWeb middleware holding it) whole: a success, not a failure.
            context.Features.Set<IForwarderErrorFeature>(null);
            LogForwardError(_logger, server.Url, error, ForwardOutcome.Success, errorFeature!.Exception?.Message);
            return Classify(context.Response);
        }

        var exception = errorFeature?.Exception;
        var outcome = ClientCaused(context, errorFeature)
            ? ClientError(out var kind, out var message)
            : ClassifyError(context, error, exception, deadline, out kind, out message);
        LogForwardError(_logger, server.Url, error, outcome, exception?.Message);
        if (kind is { } k && !context.Response.HasStarted)
        {
            await ProxyErrors.WriteAsync(context, k, message!);
        }
        else if (deadline is { ResetHeldBack: true })
        {
            // The deadline passed mid-response: end the stream the gRPC way, with status trailers, not a reset.
            ProxyErrors.AppendStatusTrailers(context.Response, ProxyErrors.GrpcStatus(ProxyErrorKind.DeadlineExceeded), message!);
        }

        return outcome;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwarderError> SendWithYarpAsync(HttpContext context, BackendServer server, ForwardTarget target, ForwardDeadline? deadline)
    {
        // YARP's body copy writes through a write-behind body (WriteBehindResponseBody: no 64 KB buffer held per call).
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        var writeBehind = new WriteBehindResponseBody(body);
        context.Features.Set<IHttpResponseBodyFeature>(writeBehind);
        try
        {
            return await _forwarder.SendAsync(context, server.Prefix, target.Invoker, target.RequestConfig, target.Transformer,
                deadline?.Token ?? CancellationToken.None);
        }
        finally
        {
            await writeBehind.DrainAsync();
            context.Features.Set(body);
        }
    }

    // WebSocket and other upgrades (HTTP/1.1 Upgrade, HTTP/2 extended CONNECT) are YARP's to tunnel.
    private static bool IsUpgrade(HttpRequest request) => request.Headers.Upgrade.Count > 0 || HttpMethods.IsConnect(request.Method);

    /// <summary>Passive-health view of a completed call: 5xx, or grpc-status UNAVAILABLE in headers or trailers, is a server error.</summary>
    public static ForwardOutcome Classify(HttpResponse response)
    {
        if (response.StatusCode >= 500)
        {
            return ForwardOutcome.ServerError;
        }

        if (IsUnavailable(response.Headers))
        {
            return ForwardOutcome.ServerError;
        }

        var trailers = response.HttpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        return trailers is not null && IsUnavailable(trailers) ? ForwardOutcome.ServerError : ForwardOutcome.Success;
    }

    private static bool ClientCaused(HttpContext context, IForwarderErrorFeature? error)
    {
        if (!ForwardFailure.ClientCaused(error) || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        context.Features.Set(ClientFaultFeature.Instance);
        return true;
    }

    private static ForwardOutcome ClientError(out ProxyErrorKind? kind, out string? message)
    {
        // A malformed request body (bad chunked encoding, invalid grpc-web-text): 400 / INTERNAL, and no health
        // state counts it, or any client could eject healthy servers.
        kind = ProxyErrorKind.BadRequest;
        message = "the request body is malformed";
        return ForwardOutcome.ClientError;
    }

    private static bool IsUnavailable(IHeaderDictionary headers) =>
        headers.TryGetValue("grpc-status", out var status) && status.Count == 1 && status[0] == "14";

    private static ForwardOutcome ClassifyError(HttpContext context, ForwarderError error, Exception? exception, ForwardDeadline? deadline,
        out ProxyErrorKind? kind, out string? message)
    {
        if (deadline is { GrpcDeadlineExceeded: true })
        {
            kind = ProxyErrorKind.DeadlineExceeded;
            message = "deadline exceeded (grpc-timeout enforced by the gateway)";
            return ForwardOutcome.Cancelled;
        }

        if (deadline is { RequestTimedOut: true })
        {
            kind = ProxyErrorKind.DeadlineExceeded;
            message = "the route's request timeout passed (HTTPRoute timeouts.request)";
            return ForwardOutcome.Cancelled;
        }

        if (deadline is { BackendRequestTimedOut: true })
        {
            kind = ProxyErrorKind.DeadlineExceeded;
            message = "the backend did not answer within the route's backendRequest timeout (HTTPRoute timeouts.backendRequest)";
            return ForwardOutcome.ServerError;
        }

        if (deadline is { ResponseHeaderTimedOut: true })
        {
            kind = ProxyErrorKind.DeadlineExceeded;
            message = "backend did not answer within responseHeaderTimeout";
            return ForwardOutcome.ServerError;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            kind = null;
            message = null;
            return ForwardOutcome.Cancelled;
        }

        switch (error)
        {
            case ForwarderError.Request or ForwarderError.RequestCreation when IsConnectFailure(exception):
                kind = ProxyErrorKind.BadGateway;
                message = "cannot connect to the backend";
                return ForwardOutcome.ConnectFailure;
            case ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled:
                // The caller is still here (checked above), so it was the backend side that broke while the request
                // was being sent: YARP cannot tell which end failed first and would answer a bare HTTP 400, which a
                // gRPC client reads as INTERNAL. Answer UNAVAILABLE, the status of a lost backend connection.
                kind = ProxyErrorKind.BadGateway;
                message = "the backend connection failed while the request was sent";
                return ForwardOutcome.ServerError;
            case ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled:
                kind = null;
                message = null;
                return ForwardOutcome.Cancelled;
            case ForwarderError.RequestTimedOut:
                kind = ProxyErrorKind.DeadlineExceeded;
                message = "backend timed out";
                return ForwardOutcome.ServerError;
            default:
                kind = ProxyErrorKind.BadGateway;
                message = "backend failed: " + error;
                return ForwardOutcome.ServerError;
        }
    }

    private static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException hre && hre.HttpRequestError is HttpRequestError.ConnectionError
                or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
            {
                return true;
            }

            if (e is System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan? ReadGrpcTimeout(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("grpc-timeout", out var value) || value.Count != 1 || value[0] is not { } text)
        {
            return null;
        }

        return GrpcTimeout.TryParse(text, out var timeout) ? timeout : null;
    }

    /// <summary>
    /// Version policy per backend scheme (Traefik's): h2c = HTTP/2 prior knowledge; https = HTTP/2 via ALPN with
    /// HTTP/1.1 fallback (1.1 only with disableHTTP2); http = HTTP/1.1. The activity timeout is off: YARP's default
    /// (100 s without a byte) cuts quiet gRPC streams; responseHeaderTimeout and grpc-timeout are enforced instead.
    /// </summary>
    public static ForwarderRequestConfig RequestConfigFor(ServerScheme scheme, ServersTransportConfig transport)
    {
        var (version, policy) = scheme switch
        {
            ServerScheme.H2c => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            ServerScheme.Https when transport.DisableHttp2 => (HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact),
            ServerScheme.Https => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            _ => (HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact),
        };
        return new ForwarderRequestConfig
        {
            Version = version,
            VersionPolicy = policy,
            ActivityTimeout = Timeout.InfiniteTimeSpan,
            AllowResponseBuffering = false,
        };
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "forward to {Server} failed: {Error} ({Outcome}): {Detail}")]
    private static partial void LogForwardError(ILogger logger, string server, ForwarderError error, ForwardOutcome outcome, string? detail);

    /// <summary>One LoadBalancerService's forwarding, resolved at table build: pool, version policy, header transformer, timeout.</summary>
    private sealed class ForwardTarget(
        YarpBackendForwarder owner, HttpMessageInvoker invoker, ForwarderRequestConfig requestConfig, HttpTransformer transformer, TimeSpan responseHeaderTimeout)
        : IServiceForwarder
    {
        public HttpMessageInvoker Invoker { get; } = invoker;

        public ForwarderRequestConfig RequestConfig { get; } = requestConfig;

        public HttpTransformer Transformer { get; } = transformer;

        public TimeSpan ResponseHeaderTimeout { get; } = responseHeaderTimeout;

        /// <summary>The servers the upstream path takes (h2c with the switch on), by <see cref="BackendServer.Url"/>; null: all go through YARP.</summary>
        public FrozenDictionary<string, UpstreamServer>? Upstream { get; init; }

        public ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendServer server) => owner.ForwardAsync(context, server, this);
    }
}
