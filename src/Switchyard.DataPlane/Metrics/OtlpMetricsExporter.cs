using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// metrics.otlp: the gateway's series pushed over OTLP with the OpenTelemetry SDK every pushInterval, under
/// Traefik's names (pkg/observability/metrics/otel.go). The counters and gauges are observable: the SDK's reader
/// reads what <see cref="GatewayMetrics"/> already keeps, so they add nothing to a call. The request duration
/// histograms cannot be (an observable instrument cannot be a histogram): calls record them
/// (<see cref="OtlpDurations"/>), bucketed by explicitBoundaries through a view on traefik_*_request_duration_seconds
/// as in Traefik; so are Traefik's semantic-convention histograms (<see cref="SemConvDurations"/>).
/// </summary>
public sealed class OtlpMetricsExporter : IDisposable
{
    private const string MeterName = "Switchyard";

    private readonly Meter _meter = new(MeterName);
    private readonly MeterProvider _provider;
    private readonly GatewayMetrics _metrics;

    public OtlpMetricsExporter(GatewayMetrics metrics, OtlpMetricsOptions options)
    {
        _metrics = metrics;
        var o = metrics.Options;
        if (o.AddEntryPointsLabels)
        {
            Requests("entrypoint", () => metrics.EntryPoints.OfType<RequestSeries>());
        }

        if (o.AddRoutersLabels)
        {
            Requests("router", () => metrics.Routers);
        }

        metrics.OtlpDurations = new OtlpDurations(
            o.AddEntryPointsLabels ? Durations("entrypoint", "an entrypoint, partitioned by status code, protocol, and method") : null,
            o.AddRoutersLabels ? Durations("router", "a router, partitioned by service, status code, protocol, and method") : null,
            o.AddServicesLabels ? Durations("service", "a service, partitioned by status code, protocol, and method") : null);
        // Traefik's semantic-convention histograms come with metrics.otlp whatever the add*Labels say.
        metrics.SemConv = new SemConvDurations(
            _meter.CreateHistogram<double>(SemConvDurations.ServerName, unit: "s", description: "Duration of HTTP server requests."),
            _meter.CreateHistogram<double>(SemConvDurations.ClientName, unit: "s", description: "Duration of HTTP client requests."));
        if (o.AddServicesLabels)
        {
            Requests("service", () => metrics.Services);
            _meter.CreateObservableGauge("traefik_service_server_up", () => ServerUp(metrics), description: "service server is up, described by gauge value of 0 or 1.");
        }

        _meter.CreateObservableGauge("traefik_open_connections", () => OpenConnections(metrics), description: "How many open connections exist, by entryPoint and protocol");
        _meter.CreateObservableCounter("traefik_config_reloads_total", () => metrics.Reloads, description: "Config reloads");
        _meter.CreateObservableCounter("traefik_config_reloads_failure_total", () => metrics.ReloadFailures, description: "Config reload failures");

        var resource = ResourceBuilder.CreateEmpty()
            .AddService(options.ServiceName)
            .AddAttributes(options.ResourceAttributes.Select(a => new KeyValuePair<string, object>(a.Key, a.Value)));
        _provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterName)
            .AddView("traefik_*_request_duration_seconds", new ExplicitBucketHistogramConfiguration { Boundaries = [.. options.ExplicitBoundaries] })
            .AddView(SemConvDurations.ServerName, new ExplicitBucketHistogramConfiguration { Boundaries = [.. options.ExplicitBoundaries] })
            .AddView(SemConvDurations.ClientName, new ExplicitBucketHistogramConfiguration { Boundaries = [.. options.ExplicitBoundaries] })
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Protocol = options.Protocol == Tracing.OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exporter.Endpoint = options.Endpoint;
                exporter.Headers = string.Join(",", options.Headers.Select(h => $"{h.Key}={h.Value}"));
                if (options.Tls is { } tls)
                {
                    var timeout = TimeSpan.FromMilliseconds(exporter.TimeoutMilliseconds);
                    exporter.HttpClientFactory = () => tls.CreateHttpClient(timeout);
                }

                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.PushInterval.TotalMilliseconds;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build();
    }

    /// <summary>traefik_{kind}_requests_total and the body byte counters of one kind of series.</summary>
    private void Requests(string kind, Func<IEnumerable<RequestSeries>> series)
    {
        _meter.CreateObservableCounter($"traefik_{kind}_requests_total", () => Cells(series(), c => c.Count),
            description: $"How many HTTP requests processed on a {kind}, partitioned by status code, protocol, and method.");
        _meter.CreateObservableCounter($"traefik_{kind}_requests_bytes_total", () => Cells(series(), c => c.RequestBytes),
            unit: "By", description: $"The total size of requests in bytes handled by a {kind}, partitioned by status code, protocol, and method.");
        _meter.CreateObservableCounter($"traefik_{kind}_responses_bytes_total", () => Cells(series(), c => c.ResponseBytes),
            unit: "By", description: $"The total size of responses in bytes handled by a {kind}, partitioned by status code, protocol, and method.");
    }

    private Histogram<double> Durations(string kind, string partitioned) =>
        _meter.CreateHistogram<double>($"traefik_{kind}_request_duration_seconds", unit: "s",
            description: $"How long it took to process the request on {partitioned}.");

    private static IEnumerable<Measurement<long>> Cells(IEnumerable<RequestSeries> series, Func<DurationCell, long> value)
    {
        foreach (var s in series)
        {
            foreach (var cell in s.Cells)
            {
                var tags = new KeyValuePair<string, object?>[s.Tags.Length + 3];
                tags[0] = new("code", RequestLabels.CodeOf(cell.Key).ToString(System.Globalization.CultureInfo.InvariantCulture));
                tags[1] = new("method", RequestLabels.Methods[RequestLabels.MethodOf(cell.Key)]);
                tags[2] = new("protocol", RequestLabels.Protocols[RequestLabels.ProtocolOf(cell.Key)]);
                s.Tags.CopyTo(tags, 3);
                yield return new Measurement<long>(value(cell), tags);
            }
        }
    }

    private static IEnumerable<Measurement<long>> OpenConnections(GatewayMetrics metrics)
    {
        for (var e = 0; e < metrics.EntryPointNames.Length; e++)
        {
            yield return new Measurement<long>(metrics.Connections(e),
                new KeyValuePair<string, object?>("entrypoint", metrics.EntryPointNames[e]), new KeyValuePair<string, object?>("protocol", "TCP"));
        }
    }

    private static IEnumerable<Measurement<long>> ServerUp(GatewayMetrics metrics)
    {
        if (metrics.Current is not { } table)
        {
            yield break;
        }

        foreach (var server in Services.ServerHealthView.Of(table, TimeProvider.System))
        {
            yield return new Measurement<long>(server.Up ? 1 : 0,
                new KeyValuePair<string, object?>("service", server.Service), new KeyValuePair<string, object?>("url", server.Url));
        }
    }

    public void Dispose()
    {
        _metrics.OtlpDurations = null;
        _metrics.SemConv = null;
        // Pushes the last values before the process ends.
        _provider.Dispose();
        _meter.Dispose();
    }
}
