using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// OpenTelemetry tracing as Traefik does it (pkg/observability/tracing, pkg/middlewares/observability,
/// pkg/proxy/httputil/observability.go): per traced call an entry point span (server, named after the method) and per
/// attempt a ReverseProxy span (client) whose traceparent the backend gets; with traceVerbosity detailed also Router,
/// one span per middleware and Service (<see cref="TracedRoute"/>). Ours on top: the entry point span carries the
/// router and service names and, for gRPC and gRPC-Web, the rpc.* conventions. Exists only when tracing is
/// configured: without it there is no listener and nothing is created per call.
/// </summary>
public sealed class GatewayTracing : IDisposable
{
    internal const string SourceName = "Switchyard";

    private readonly ActivitySource _source = new(SourceName);
    private readonly TracerProvider _provider;
    private readonly ExportDiagnostics? _diagnostics;
    private readonly ExportBeforeCollection? _exportBeforeCollection;

    public GatewayTracing(TracingOptions options, ILogger? logger = null)
    {
        Options = options;
        _diagnostics = logger is null ? null : new ExportDiagnostics(logger);
        var resource = ResourceBuilder.CreateEmpty()
            .AddService(options.ServiceName)
            .AddAttributes(options.ResourceAttributes.Select(a => new KeyValuePair<string, object>(a.Key, a.Value)));
        _provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(SourceName)
            // Only sampled calls start an entry point span (TraceSampling decides sampleRate first, ParentBased included),
            // and every other span is started only under a recorded one, so the SDK records every span it sees: with its
            // TraceIdRatioBased sampler each unsampled call would still cost an Activity, and even ParentBased(AlwaysOn)
            // would build its sampling parameters per span to reach the same answer (the SDK short-cuts AlwaysOn alone).
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o =>
            {
                o.Protocol = options.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = options.Endpoint;
                o.Headers = string.Join(",", options.Headers.Select(h => $"{h.Key}={h.Value}"));
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)options.ExportDelay.TotalMilliseconds;
                if (options.MaxQueueSize is { } queue)
                {
                    o.BatchExportProcessorOptions.MaxQueueSize = queue;
                    o.BatchExportProcessorOptions.MaxExportBatchSize = Math.Min(o.BatchExportProcessorOptions.MaxExportBatchSize, queue);
                }
                if (options.Tls is { } tls)
                {
                    var timeout = TimeSpan.FromMilliseconds(o.TimeoutMilliseconds);
                    o.HttpClientFactory = () => tls.CreateHttpClient(timeout);
                }
            })
            .Build();
        _exportBeforeCollection = ExportBeforeCollection.Create(Environment.GetEnvironmentVariable(ExportBeforeCollection.ShareVariable));
    }

    public TracingOptions Options { get; }

    /// <summary>Spans the SDK's batch processor reported dropped (full queue); known once the provider shut down.</summary>
    public long DroppedSpans => _diagnostics?.Dropped ?? 0;

    /// <summary>
    /// The call's sampling decision (<see cref="TraceSampling"/>), before any span: a call that is not sampled gets no
    /// Activity, only the not-sampled traceparent for its backend.
    /// </summary>
    internal bool Sample(HttpContext context, out ActivityContext parent) => TraceSampling.Sample(context.Request, Options.SampleRate, out parent);

    /// <summary>
    /// Starts the entry point span of a sampled call (Traefik's TracingEntryPoint: named after the method, kind
    /// server) under the caller's context, or a new trace when <paramref name="parent"/> is default. Called once the
    /// router is known, as in Traefik, where the entry point's observability chain sits behind the router match.
    /// </summary>
    internal Activity? StartEntryPoint(HttpContext context, string entryPointName, ActivityContext parent)
    {
        var headers = context.Request.Headers;
        if (parent == default && Activity.Current is not null)
        {
            // A new trace: no activity of the host (ASP.NET Core's own request activity) may become its parent.
            Activity.Current = null;
        }

        var activity = _source.StartActivity(context.Request.Method, ActivityKind.Server, parent);
        if (activity is null)
        {
            return null;
        }

        // The forwarder copies the request's headers (its HTTP client has no propagator: ServersTransportHandlerFactory
        // turns it off so untraced calls pay nothing). This span's traceparent replaces the caller's, so the backend
        // continues the trace even when no ReverseProxy span is recorded; baggage is forwarded as received, which is
        // what Traefik's baggage propagator does.
        headers.TraceParent = activity.Id;
        if (activity.TraceStateString is { } traceState)
        {
            headers.TraceState = traceState;
        }

        if (activity.IsAllDataRequested)
        {
            activity.AddTag("entry_point", entryPointName);
            SpanAttributes.ServerRequest(activity, context, Options);
        }

        return activity;
    }

    /// <summary>Completes the entry point span with the router, the status and (gRPC) the rpc.* attributes, and ends it.</summary>
    internal void EndEntryPoint(Activity activity, HttpContext context, CompiledRoute? route, int status, int protocol, int grpcStatus)
    {
        if (activity.IsAllDataRequested)
        {
            if (route is not null)
            {
                activity.AddTag("traefik.router.name", route.Router.Name);
                activity.AddTag("traefik.service.name", route.Router.Service);
            }

            SpanAttributes.Response(activity, context.Response, status, Options);
            if (protocol is RequestLabels.Grpc or RequestLabels.GrpcWeb)
            {
                TagGrpc(activity, context, grpcStatus);
            }
        }

        activity.Stop();
        // The call's spans are queued now (the ReverseProxy span ended before it): flush the queue when the next gen0
        // collection is near, so that they are exported before it rather than promoted by it.
        if (_exportBeforeCollection is { } flush && flush.ShouldFlush(GC.CollectionCount(0), GC.GetTotalAllocatedBytes()))
        {
            _provider.ForceFlush(0); // wakes the exporter thread; does not wait for it
        }
    }

    /// <summary>
    /// An internal span (Router, a middleware, Service) under the current span of a recorded call; null when the
    /// call is not traced or not sampled, so an unsampled call creates no child span.
    /// </summary>
    internal Activity? StartInternal(string name) => StartChild(name, ActivityKind.Internal);

    /// <summary>
    /// The current call is recorded (its entry point span is Activity.Current): only then do the span wrappers and
    /// the forwarder take their traced (async) path; every other call goes the untraced one.
    /// </summary>
    internal bool IsRecording => Activity.Current is { Recorded: true } parent && ReferenceEquals(parent.Source, _source);

    private Activity? StartChild(string name, ActivityKind kind) => IsRecording ? _source.StartActivity(name, kind) : null;

    /// <summary>
    /// Traefik's ReverseProxy span (kind client, in minimal and detailed verbosity) of one attempt to
    /// <paramref name="server"/>; the backend gets it as its parent. Null when the call is not traced or not sampled.
    /// </summary>
    internal Activity? StartReverseProxy(HttpContext context, BackendServer server, Version version)
    {
        var span = StartChild("ReverseProxy", ActivityKind.Client);
        if (span is null)
        {
            return null;
        }

        context.Request.Headers.TraceParent = span.Id;
        SpanAttributes.ClientRequest(span, context, server, version, Options);
        return span;
    }

    /// <summary>Ends a ReverseProxy span with the backend's answer (or the error status the gateway wrote).</summary>
    internal void EndReverseProxy(Activity span, HttpContext context)
    {
        SpanAttributes.Response(span, context.Response, context.Response.StatusCode, Options);
        span.Stop();
    }

    /// <summary>OpenTelemetry's RPC conventions: the path is /package.Service/Method.</summary>
    private static void TagGrpc(Activity activity, HttpContext context, int grpcStatus)
    {
        activity.AddTag("rpc.system", "grpc");
        if (RpcNames.Of(context.Request.Path.Value) is { } rpc)
        {
            activity.AddTag("rpc.service", rpc.Service);
            activity.AddTag("rpc.method", rpc.Method);
        }

        if (grpcStatus != GrpcStatusSeries.None)
        {
            activity.AddTag("rpc.grpc.status_code", SpanAttributes.Boxed(grpcStatus));
        }
    }

    public void Dispose()
    {
        // Flushes the spans still in the batch before the process ends (and reports the spans the queue dropped).
        _provider.Dispose();
        _source.Dispose();
        _diagnostics?.Dispose();
    }
}
