using System.Collections.Immutable;
using System.Globalization;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Metrics;
using Switchyard.Routing.Compiler;

namespace Switchyard.Configuration;

/// <summary>
/// Checks static config <c>metrics</c> (Traefik's pkg/observability/types/metrics.go: Prometheus, OTLP,
/// addInternals) and turns it into <see cref="MetricsOptions"/>; null when neither prometheus nor otlp is given.
/// With both, the label switches (addEntryPointsLabels, ...) are prometheus's: the gateway keeps one set of series.
/// </summary>
internal static class MetricsConfigReader
{
    public static MetricsOptions? Read(MetricsConfig config, string fileName, IReadOnlyList<EntryPointOptions> entryPoints, string baseDirectory)
    {
        var otlp = config.Otlp is { } o ? Otlp(o, $"{fileName}: metrics.otlp", baseDirectory) : null;
        var options = config.Prometheus is { } prometheus
            ? Prometheus(prometheus, fileName, entryPoints)
            : config.Otlp is { } only
                ? new MetricsOptions
                {
                    // No Prometheus endpoint: the series exist for the OTLP push only.
                    EntryPoint = "",
                    AddEntryPointsLabels = only.AddEntryPointsLabels,
                    AddRoutersLabels = only.AddRoutersLabels,
                    AddServicesLabels = only.AddServicesLabels,
                }
                : null;
        return options is null ? null : options with { Otlp = otlp, AddInternals = config.AddInternals };
    }

    private static OtlpMetricsOptions Otlp(OtlpMetricsConfig config, string where, string baseDirectory)
    {
        var export = OtlpEndpoints.Read(config.Grpc, config.Http, where, "/v1/metrics", baseDirectory);
        if (!GoDuration.TryParse(config.PushInterval, out var interval) || interval < TimeSpan.FromMilliseconds(1))
        {
            throw new StaticConfigException($"{where}.pushInterval: '{config.PushInterval}' is not a positive duration like \"10s\"");
        }

        return new OtlpMetricsOptions
        {
            ExplicitBoundaries = Ascending(config.ExplicitBoundaries ?? [.. OtlpMetricsOptions.DefaultExplicitBoundaries], $"{where}.explicitBoundaries"),
            Protocol = export.Protocol,
            Endpoint = export.Endpoint,
            Headers = export.Headers,
            Tls = export.Tls,
            PushInterval = interval,
            ServiceName = config.ServiceName,
            ResourceAttributes = config.ResourceAttributes.ToImmutableDictionary(),
        };
    }

    /// <summary>metrics.prometheus (served on an admin entry point).</summary>
    private static MetricsOptions Prometheus(PrometheusConfig prometheus, string fileName, IReadOnlyList<EntryPointOptions> entryPoints)
    {
        var where = $"{fileName}: metrics.prometheus";
        var admins = entryPoints.Where(e => e.Admin).Select(e => e.Name).ToList();
        var entryPoint = prometheus.EntryPoint ?? (admins.Count == 1 ? admins[0]
            : throw new StaticConfigException($"{where}.entryPoint: name the admin entry point that serves /metrics ({(admins.Count == 0 ? "there is none" : string.Join(", ", admins))})"));
        if (!admins.Contains(entryPoint))
        {
            throw new StaticConfigException($"{where}.entryPoint: '{entryPoint}' is not an admin entry point (admin: true)");
        }

        return new MetricsOptions
        {
            EntryPoint = entryPoint,
            Buckets = Ascending(prometheus.Buckets ?? [.. MetricsOptions.DefaultBuckets], $"{where}.buckets"),
            AddEntryPointsLabels = prometheus.AddEntryPointsLabels,
            AddRoutersLabels = prometheus.AddRoutersLabels,
            AddServicesLabels = prometheus.AddServicesLabels,
        };
    }

    /// <summary>
    /// Histogram upper bounds (prometheus.buckets, otlp.explicitBoundaries): durations in seconds, so each is a
    /// positive finite number and each is above the one before (a bucket bounded twice, or out of order, cannot be
    /// filled; OpenTelemetry requires strictly increasing bounds too).
    /// </summary>
    private static double[] Ascending(List<double> bounds, string key)
    {
        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || bounds[i] <= 0 || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                throw new StaticConfigException($"{key}: must be positive seconds in ascending order (got {string.Join(", ", bounds.Select(b => b.ToString(CultureInfo.InvariantCulture)))})");
            }
        }

        return [.. bounds];
    }
}
