using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Writes <see cref="GatewayMetrics"/> in the Prometheus text format 0.0.4 (the scrape path, not the request
/// path: it may allocate). Names and labels are Traefik's, plus switchyard_grpc_responses_total.
/// </summary>
public static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(GatewayMetrics metrics)
    {
        var w = new StringBuilder(4096);
        var bounds = metrics.Options.Buckets;

        if (metrics.Options.AddEntryPointsLabels)
        {
            var series = metrics.EntryPoints.OfType<RequestSeries>().ToArray();
            Counter(w, "traefik_entrypoint_requests_total", "How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method.", series, c => c.Count);
            Durations(w, "traefik_entrypoint_request_duration_seconds", "How long it took to process the request on an entrypoint, partitioned by status code, protocol, and method.", series, bounds);
            Counter(w, "traefik_entrypoint_requests_bytes_total", "The total size of requests in bytes handled by an entrypoint, partitioned by status code, protocol, and method.", series, c => c.RequestBytes);
            Counter(w, "traefik_entrypoint_responses_bytes_total", "The total size of responses in bytes handled by an entrypoint, partitioned by status code, protocol, and method.", series, c => c.ResponseBytes);
            OpenConnections(w, metrics);
        }

        if (metrics.Options.AddRoutersLabels)
        {
            var series = Sorted(metrics.Routers);
            Counter(w, "traefik_router_requests_total", "How many HTTP requests are processed on a router, partitioned by service, status code, protocol, and method.", series, c => c.Count);
            Durations(w, "traefik_router_request_duration_seconds", "How long it took to process the request on a router, partitioned by service, status code, protocol, and method.", series, bounds);
            Counter(w, "traefik_router_requests_bytes_total", "The total size of requests in bytes handled by a router, partitioned by status code, protocol, and method.", series, c => c.RequestBytes);
            Counter(w, "traefik_router_responses_bytes_total", "The total size of responses in bytes handled by a router, partitioned by status code, protocol, and method.", series, c => c.ResponseBytes);
        }

        if (metrics.Options.AddServicesLabels)
        {
            var series = Sorted(metrics.Services);
            Counter(w, "traefik_service_requests_total", "How many HTTP requests processed on a service, partitioned by status code, protocol, and method.", series, c => c.Count);
            Durations(w, "traefik_service_request_duration_seconds", "How long it took to process the request on a service, partitioned by status code, protocol, and method.", series, bounds);
            Counter(w, "traefik_service_requests_bytes_total", "The total size of requests in bytes handled by a service, partitioned by status code, protocol, and method.", series, c => c.RequestBytes);
            Counter(w, "traefik_service_responses_bytes_total", "The total size of responses in bytes handled by a service, partitioned by status code, protocol, and method.", series, c => c.ResponseBytes);
        }

        Header(w, "traefik_open_connections", "gauge", "How many open connections exist, by entrypoint and protocol.");
        for (var e = 0; e < metrics.EntryPointNames.Length; e++)
        {
            w.Append("traefik_open_connections{").Append(GatewayMetrics.Label("entrypoint", metrics.EntryPointNames[e]))
                .Append(",protocol=\"TCP\"} ").Append(metrics.Connections(e).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Header(w, "traefik_config_reloads_total", "counter", "Config reloads.");
        w.Append("traefik_config_reloads_total ").Append(metrics.Reloads.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Header(w, "traefik_config_last_reload_success", "gauge", "Last config reload success (unix time).");
        w.Append("traefik_config_last_reload_success ").Append(Number(metrics.LastReloadSuccessMs / 1000.0)).Append('\n');

        Header(w, "traefik_config_reloads_failure_total", "counter", "Config reload failures.");
        w.Append("traefik_config_reloads_failure_total ").Append(metrics.ReloadFailures.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Header(w, "traefik_config_last_reload_failure", "gauge", "Last config reload failure (unix time).");
        w.Append("traefik_config_last_reload_failure ").Append(Number(metrics.LastReloadFailureMs / 1000.0)).Append('\n');
        ServerUp(w, metrics);
        Header(w, "switchyard_config_source_missing", "gauge", "1 while the manifest folder is missing (the last table keeps serving).");
        w.Append("switchyard_config_source_missing ").Append(metrics.ConfigSourceMissing ? '1' : '0').Append('\n');

        var certificates = metrics.Certificates;
        if (certificates.Length > 0)
        {
            Header(w, "traefik_tls_certs_not_after", "gauge", "Certificate expiration timestamp.");
            foreach (var c in certificates)
            {
                w.Append("traefik_tls_certs_not_after{").Append(c.Labels).Append("} ").Append(Number(c.NotAfterUnixSeconds)).Append('\n');
            }
        }

        if (metrics.AccessLog is { } accessLog)
        {
            Header(w, "switchyard_accesslog_dropped_total", "counter", "Access log lines dropped because the writer's queue was full.");
            w.Append("switchyard_accesslog_dropped_total ").Append(accessLog.Dropped.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Header(w, "switchyard_grpc_responses_total", "counter", "gRPC calls answered, by router (\"\" when no router matched) and grpc-status (\"none\": ended without one).");
        foreach (var series in metrics.Grpc.Append(metrics.Unrouted).OrderBy(s => s.Labels, StringComparer.Ordinal))
        {
            for (var status = 0; status <= GrpcStatusSeries.None; status++)
            {
                var count = series[status];
                if (count > 0)
                {
                    w.Append("switchyard_grpc_responses_total{").Append(series.Labels).Append(",grpc_status=\"")
                        .Append(status == GrpcStatusSeries.None ? "none" : status.ToString(CultureInfo.InvariantCulture))
                        .Append("\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        return w.ToString();
    }

    /// <summary>traefik_service_server_up: 1 while a server takes calls (healthy by the active and passive checks).</summary>
    private static void ServerUp(StringBuilder w, GatewayMetrics metrics)
    {
        if (metrics.Current is not { } table || !metrics.Options.AddServicesLabels)
        {
            return;
        }

        Header(w, "traefik_service_server_up", "gauge", "service server is up, described by gauge value of 0 or 1.");
        foreach (var server in Services.ServerHealthView.Of(table, TimeProvider.System))
        {
            w.Append("traefik_service_server_up{").Append(GatewayMetrics.Label("service", server.Service)).Append(',')
                .Append(GatewayMetrics.Label("url", server.Url)).Append("} ").Append(server.Up ? '1' : '0').Append('\n');
        }
    }

    private static RequestSeries[] Sorted(IEnumerable<RequestSeries> series) => [.. series.OrderBy(s => s.Labels, StringComparer.Ordinal)];

    /// <summary>A counter with one sample per (code, method, protocol) cell of each series.</summary>
    private static void Counter(StringBuilder w, string name, string help, RequestSeries[] series, Func<DurationCell, long> value)
    {
        Header(w, name, "counter", help);
        foreach (var s in series)
        {
            foreach (var cell in s.Cells)
            {
                Labels(w.Append(name), cell.Key, s.Labels).Append(' ').Append(value(cell).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    private static void Durations(StringBuilder w, string name, string help, RequestSeries[] series, IReadOnlyList<double> bounds)
    {
        Header(w, name, "histogram", help);
        foreach (var s in series)
        {
            foreach (var cell in s.Cells)
            {
                // Read the buckets first: the count is taken as their sum so the histogram is self-consistent.
                long cumulative = 0;
                for (var i = 0; i < bounds.Count; i++)
                {
                    cumulative += Volatile.Read(ref cell.Buckets[i]);
                    Labels(w.Append(name).Append("_bucket"), cell.Key, s.Labels).Length--;
                    w.Append(",le=\"").Append(Number(bounds[i])).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                cumulative += Volatile.Read(ref cell.Buckets[^1]);
                Labels(w.Append(name).Append("_bucket"), cell.Key, s.Labels).Length--;
                w.Append(",le=\"+Inf\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                Labels(w.Append(name).Append("_sum"), cell.Key, s.Labels).Append(' ').Append(Number(cell.SumTicks / (double)Stopwatch.Frequency)).Append('\n');
                Labels(w.Append(name).Append("_count"), cell.Key, s.Labels).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    private static void OpenConnections(StringBuilder w, GatewayMetrics metrics)
    {
        const string name = "traefik_entrypoint_open_connections";
        Header(w, name, "gauge", "How many open connections exist on an entrypoint, partitioned by method and protocol.");
        for (var e = 0; e < metrics.EntryPointNames.Length; e++)
        {
            var inFlight = metrics.InFlight[e];
            var seen = metrics.EntryPoints[e]?.Cells ?? [];
            for (var m = 0; m < RequestLabels.Methods.Length; m++)
            {
                for (var p = 0; p < RequestLabels.Protocols.Length; p++)
                {
                    var value = Volatile.Read(ref inFlight[(m * RequestLabels.Protocols.Length) + p]);
                    // Show the combinations this entry point has served (and any in progress), not all 50.
                    if (value == 0 && !seen.Any(c => RequestLabels.MethodOf(c.Key) == m && RequestLabels.ProtocolOf(c.Key) == p))
                    {
                        continue;
                    }

                    w.Append(name).Append('{').Append(metrics.EntryPoints[e]!.Labels).Append(",method=\"")
                        .Append(RequestLabels.Methods[m]).Append("\",protocol=\"").Append(RequestLabels.Protocols[p]).Append("\"} ")
                        .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
    }

    private static StringBuilder Labels(StringBuilder w, int key, string constant) =>
        w.Append("{code=\"").Append(RequestLabels.CodeOf(key).ToString(CultureInfo.InvariantCulture))
            .Append("\",method=\"").Append(RequestLabels.Methods[RequestLabels.MethodOf(key)])
            .Append("\",protocol=\"").Append(RequestLabels.Protocols[RequestLabels.ProtocolOf(key)])
            .Append("\",").Append(constant).Append('}');

    private static void Header(StringBuilder w, string name, string type, string help) =>
        w.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
