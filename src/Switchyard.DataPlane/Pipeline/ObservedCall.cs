using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Swap;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// One call as metrics, the access log and tracing see it: a struct on the request path (no allocation), begun
/// before the router is matched and ended once the response is complete (or the call failed). The call's protocol
/// and grpc-status are read once here and shared by all three.
/// </summary>
internal struct ObservedCall(GatewayMetrics? metrics, AccessLogWriter? accessLog, int entryPoint, GatewayTracing? tracing = null)
{
    private System.Diagnostics.Activity? _span;
    private int _method;
    private int _protocol;
    private long _start;
    private AccessLogEntry? _entry;
    private RequestBodyCounter? _requestBody;
    private ResponseBodyCounter? _responseBody;

    public CompiledRoute? Route;

    /// <summary>The router matched (null: none did).</summary>
    public void Matched(HttpContext context, CompiledRoute? route)
    {
        Route = route;
        if (metrics?.SemConv is { } semConv && route?.Metrics is not { Measured: false })
        {
            // The forwarder records each attempt's http.client.request.duration when it finds this (a shared instance:
            // Kestrel clears the features per request); a router whose metrics are off records none.
            context.Features.Set(semConv);
        }
    }

    public void Begin(HttpContext context, string entryPointName)
    {
        // Read before any middleware runs (grpcWeb rewrites the request's content type).
        _protocol = RequestLabels.Protocol(context.Request);
        if (metrics is not null)
        {
            _method = RequestLabels.Method(context.Request.Method);
            _start = metrics.Begin(entryPoint, _method, _protocol);
            CountBodies(context);
        }

        if (accessLog is not null)
        {
            // With metrics on, the line's start is the metrics' clock read: one read for both (each is ~25 ns).
            _entry = accessLog.Begin(context, entryPointName, _protocol, metrics is not null ? _start : Stopwatch.GetTimestamp());
            // The forwarder records the server, the origin's status and duration here.
            context.Features.Set(_entry);
        }
    }

    /// <summary>
    /// The router is known: whether the call is traced and sampled (Traefik builds the entry point's observability
    /// chain per router, behind the match; an unmatched call is traced like the entry point's default). A traced call
    /// that is not sampled only gets its not-sampled traceparent here: no span, no async path.
    /// </summary>
    public readonly bool Sampled(HttpContext context, out System.Diagnostics.ActivityContext parent)
    {
        parent = default;
        return tracing is not null && (Route?.Traced ?? true) && tracing.Sample(context, out parent);
    }

    /// <summary>Starts the entry point span of a sampled call; it becomes Activity.Current, so the caller must be async.</summary>
    public void StartSpan(HttpContext context, string entryPointName, System.Diagnostics.ActivityContext parent) =>
        _span = tracing!.StartEntryPoint(context, entryPointName, parent);

    public readonly void End(HttpContext context, bool failed)
    {
        // An exception before the response started becomes Kestrel's 500.
        var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var grpcStatus = _protocol is RequestLabels.Grpc or RequestLabels.GrpcWeb ? GatewayMetrics.GrpcStatus(context, _protocol) : GrpcStatusSeries.None;
        var ticks = -1L;
        if (metrics is not null)
        {
            ticks = metrics.End(entryPoint, Route?.Metrics, _method, _protocol, status, grpcStatus, _start, _requestBody?.Count ?? 0, _responseBody?.Count ?? 0);
            if (ticks >= 0 && metrics.SemConv is { } semConv)
            {
                semConv.RecordServer(context, status, ticks);
            }
        }

        if (_span is not null)
        {
            tracing!.EndEntryPoint(_span, context, Route, status, _protocol, grpcStatus);
        }

        if (_entry is not { } entry)
        {
            return;
        }

        context.Features.Set<AccessLogEntry>(null);
        if (Route is { AccessLogs: false })
        {
            accessLog!.Discard(entry);
            return;
        }

        if (Route is { } route)
        {
            entry.RouterName = route.Router.Name;
            entry.ServiceName = route.Router.Service;
        }

        // The line's end is the metrics' clock read when they measured the call (ticks since the shared start).
        accessLog!.End(entry, context, status, grpcStatus, ticks >= 0 ? _start + ticks : Stopwatch.GetTimestamp());
    }

    /// <summary>Body byte counters (two small objects per call, only with metrics on; none for a request without a body).</summary>
    private void CountBodies(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
        {
            _requestBody = new RequestBodyCounter(context.Request.Body) { ServerReader = context.Request.BodyReader };
            context.Request.Body = _requestBody;
        }

        if (context.Features.Get<IHttpResponseBodyFeature>() is { } body)
        {
            _responseBody = new ResponseBodyCounter(body);
            context.Features.Set<IHttpResponseBodyFeature>(_responseBody);
        }
    }
}
