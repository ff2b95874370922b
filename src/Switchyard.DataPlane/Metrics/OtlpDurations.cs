using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// The request duration histograms of metrics.otlp (traefik_{entrypoint,router,service}_request_duration_seconds,
/// Traefik's pkg/observability/metrics/otel.go), bucketed by explicitBoundaries through the SDK's view. Unlike the
/// counters these cannot be read from <see cref="GatewayMetrics"/>' cells (an observable instrument cannot be a
/// histogram, and the cells count by prometheus.buckets), so a call records them here: only when metrics.otlp is
/// on, with the labels in a stack-held TagList (no allocation per call).
/// </summary>
internal sealed class OtlpDurations(Histogram<double>? entryPoints, Histogram<double>? routers, Histogram<double>? services)
{
    // "200", "0" ... made once per code seen, shared by every series (codes are 0..16 or 100..999).
    private static readonly string?[] Codes = new string?[1024];

    public void Record(RequestSeries? entryPoint, RouteMetrics? route, int key, long ticks)
    {
        var seconds = ticks / (double)Stopwatch.Frequency;
        if (entryPoint is not null)
        {
            entryPoints?.Record(seconds, Tags(key, entryPoint));
        }

        if (route?.Router is { } router)
        {
            routers?.Record(seconds, Tags(key, router));
        }

        if (route?.Service is { } service)
        {
            services?.Record(seconds, Tags(key, service));
        }
    }

    private static TagList Tags(int key, RequestSeries series)
    {
        var code = RequestLabels.CodeOf(key);
        var tags = new TagList
        {
            { "code", Codes[code] ??= code.ToString(CultureInfo.InvariantCulture) },
            { "method", RequestLabels.Methods[RequestLabels.MethodOf(key)] },
            { "protocol", RequestLabels.Protocols[RequestLabels.ProtocolOf(key)] },
        };
        foreach (var tag in series.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}
