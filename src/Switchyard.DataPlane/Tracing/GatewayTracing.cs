using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// OpenTelemetry tracing of the entry points (Traefik's pkg/observability/tracing and
/// pkg/middlewares/observability/entrypoint.go): one server span per call named after the HTTP method, carrying the
/// entry point, the router and service (Traefik's traefik.router.name / traefik.service.name) and, for gRPC and
/// gRPC-Web, the rpc.* semantic conventions. Its W3C traceparent replaces the caller's in the forwarded request,
/// so the backend continues the trace. Exists only when tracing is configured: without
/// it there is no listener and nothing is created per call.
/// </summary>
public sealed class GatewayTracing : IDisposable
{
    internal const string SourceName = "Switchyard";

    private readonly ActivitySource _source = new(SourceName);
    private readonly TracerProvider _provider;

    public GatewayTracing(TracingOptions options)
    {
        Options = options;
        var resource = ResourceBuilder.CreateEmpty()
            .AddService(options.ServiceName)
            .AddAttributes(options.ResourceAttributes.Select(a => new KeyValuePair<string, object>(a.Key, a.Value)));
        _provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(SourceName)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRate)))
            .AddOtlpExporter(o =>
            {
                o.Protocol = options.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = options.Endpoint;
                o.Headers = string.Join(",", options.Headers.Select(h => $"{h.Key}={h.Value}"));
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)options.ExportDelay.TotalMilliseconds;
            })
            .Build();
    }

    public TracingOptions Options { get; }

    /// <summary>Starts the call's server span, continuing the caller's W3C trace context when it sent one.</summary>
    internal Activity? Start(HttpContext context, string entryPointName)
    {
        var headers = context.Request.Headers;
        ActivityContext parent = default;
        if (headers.TryGetValue("traceparent", out var traceparent))
        {
            ActivityContext.TryParse(traceparent.ToString(), headers["tracestate"].ToString(), isRemote: true, out parent);
        }

        var activity = _source.StartActivity(context.Request.Method, ActivityKind.Server, parent);
        if (activity is null)
        {
            return null;
        }

        // The forwarder copies the request's headers and its HTTP client has no propagator (ServersTransportHandlerFactory
        // turns it off so untraced calls pay nothing): replacing the caller's traceparent with this span's makes the
        // backend continue the trace with the gateway's span as its parent, sampled or not.
        headers.TraceParent = activity.Id;
        if (activity.TraceStateString is { } traceState)
        {
            headers.TraceState = traceState;
        }

        if (activity.IsAllDataRequested)
        {
            var request = context.Request;
            activity.SetTag("entry_point", entryPointName);
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path.Value);
            activity.SetTag("url.scheme", request.Scheme);
            activity.SetTag("server.address", request.Host.Host);
            activity.SetTag("network.protocol.version", request.Protocol);
        }

        return activity;
    }

    /// <summary>Completes the span with the router, the status and (gRPC) the rpc.* attributes, and ends it.</summary>
    internal static void End(Activity activity, HttpContext context, CompiledRoute? route, int status)
    {
        if (activity.IsAllDataRequested)
        {
            if (route is not null)
            {
                activity.SetTag("traefik.router.name", route.Router.Name);
                activity.SetTag("traefik.service.name", route.Router.Service);
            }

            activity.SetTag("http.response.status_code", status);
            if (status >= StatusCodes.Status500InternalServerError)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            var protocol = RequestLabels.Protocol(context.Request);
            if (protocol is RequestLabels.Grpc or RequestLabels.GrpcWeb)
            {
                TagGrpc(activity, context, protocol);
            }
        }

        activity.Stop();
    }

    /// <summary>OpenTelemetry's RPC conventions: the path is /package.Service/Method.</summary>
    private static void TagGrpc(Activity activity, HttpContext context, int protocol)
    {
        activity.SetTag("rpc.system", "grpc");
        var path = context.Request.Path.Value.AsSpan();
        var slash = path.Length > 1 ? path[1..].IndexOf('/') : -1;
        if (slash > 0)
        {
            activity.SetTag("rpc.service", path[1..(slash + 1)].ToString());
            activity.SetTag("rpc.method", path[(slash + 2)..].ToString());
        }

        var grpcStatus = GatewayMetrics.GrpcStatus(context, protocol);
        if (grpcStatus != GrpcStatusSeries.None)
        {
            activity.SetTag("rpc.grpc.status_code", grpcStatus);
        }
    }

    public void Dispose()
    {
        // Flushes the spans still in the batch before the process ends.
        _provider.Dispose();
        _source.Dispose();
    }
}
