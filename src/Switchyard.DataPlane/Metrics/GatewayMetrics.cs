using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// The gateway's Prometheus series. Router and service series are resolved per router when a table is built and
/// kept across swaps (counters stay monotonic while a router exists in successive tables). The request path
/// only indexes them: <see cref="Begin"/> and <see cref="End"/> take integers and pre-resolved objects.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly ConcurrentDictionary<(string Router, string Service), RequestSeries> _routers = new();
    private readonly ConcurrentDictionary<string, RequestSeries> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GrpcStatusSeries> _grpc = new(StringComparer.Ordinal);
    private readonly long[] _connections;
    private long _reloads;
    private long _lastReloadSuccessMs;
    private long _reloadFailures;
    private long _lastReloadFailureMs;
    private volatile CertificateExpiry[] _certificates = [];

    public GatewayMetrics(MetricsOptions options, IReadOnlyList<string> entryPoints)
    {
        Options = options;
        BoundTicks = [.. options.Buckets.Select(b => (long)(b * Stopwatch.Frequency))];
        EntryPointNames = [.. entryPoints];
        EntryPoints = [.. entryPoints.Select(e => options.AddEntryPointsLabels ? new RequestSeries([new("entrypoint", e)], BoundTicks.Length) : null)];
        InFlight = [.. entryPoints.Select(_ => new long[RequestLabels.Methods.Length * RequestLabels.Protocols.Length])];
        Unrouted = new GrpcStatusSeries(Label("router", ""));
        _connections = new long[entryPoints.Count];
    }

    public MetricsOptions Options { get; }

    /// <summary>The access log whose dropped lines are exposed (switchyard_accesslog_dropped_total), when on.</summary>
    public AccessLog.AccessLogWriter? AccessLog { get; set; }

    internal long[] BoundTicks { get; }

    /// <summary>The histograms metrics.otlp pushes (set by <see cref="OtlpMetricsExporter"/>); null without it.</summary>
    internal OtlpDurations? OtlpDurations { get; set; }

    /// <summary>http.server/client.request.duration (set by <see cref="OtlpMetricsExporter"/>); null without metrics.otlp.</summary>
    internal SemConvDurations? SemConv { get; set; }

    internal string[] EntryPointNames { get; }

    internal RequestSeries?[] EntryPoints { get; }

    /// <summary>Requests in progress per entry point and (method, protocol): traefik_entrypoint_open_connections.</summary>
    internal long[][] InFlight { get; }

    /// <summary>gRPC answers to calls no router matched (router="").</summary>
    internal GrpcStatusSeries Unrouted { get; }

    internal ICollection<RequestSeries> Routers => _routers.Values;

    internal ICollection<RequestSeries> Services => _services.Values;

    internal ICollection<GrpcStatusSeries> Grpc => _grpc.Values;

    internal long Reloads => Volatile.Read(ref _reloads);

    /// <summary>Open TCP connections of an entry point (traefik_open_connections, Traefik v3).</summary>
    internal long Connections(int entryPoint) => Volatile.Read(ref _connections[entryPoint]);

    /// <summary>Kestrel connection middleware counting an entry point's open connections (per connection, not per request).</summary>
    public Func<Microsoft.AspNetCore.Connections.ConnectionDelegate, Microsoft.AspNetCore.Connections.ConnectionDelegate> CountConnections(int entryPoint) =>
        next => async connection =>
        {
            Interlocked.Increment(ref _connections[entryPoint]);
            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref _connections[entryPoint]);
            }
        };

    internal long LastReloadSuccessMs => Volatile.Read(ref _lastReloadSuccessMs);

    internal CertificateExpiry[] Certificates => _certificates;

    /// <summary>Resolve a router's series (table build time).</summary>
    internal RouteMetrics ForRouter(Router router)
    {
        // observability.metrics: false keeps the router (and its service) out of the router and service series.
        // Like Traefik's internal services, the API's own routes are measured only with metrics.addInternals.
        var on = Measured(router);
        var routerSeries = on && Options.AddRoutersLabels
            ? _routers.GetOrAdd((router.Name, router.Service), k => new RequestSeries([new("router", k.Router), new("service", k.Service)], BoundTicks.Length))
            : null;
        var serviceSeries = on && Options.AddServicesLabels
            ? _services.GetOrAdd(router.Service, s => new RequestSeries([new("service", s)], BoundTicks.Length))
            : null;
        var grpc = _grpc.GetOrAdd(router.Name, r => new GrpcStatusSeries(Label("router", r)));
        return new RouteMetrics(routerSeries, serviceSeries, grpc, on);
    }

    /// <summary>observability.metrics (default true); internal routers (api@internal) only with metrics.addInternals.</summary>
    private bool Measured(Router router) =>
        router.Observability?.Metrics != false && (Options.AddInternals || router.Service != Api.ApiHandler.ServiceName);

    /// <summary>A request starts on an entry point; returns its start timestamp.</summary>
    internal long Begin(int entryPoint, int method, int protocol)
    {
        Interlocked.Increment(ref InFlight[entryPoint][(method * RequestLabels.Protocols.Length) + protocol]);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// A request finished with <paramref name="status"/> (and, gRPC, <paramref name="grpcStatus"/>, read once per call
    /// by the caller): count it on its entry point, router and service, and its gRPC status. A router with
    /// <c>observability.metrics: false</c> is left out of every series, its entry point's included (as in Traefik,
    /// where the router's observability switches the entry point's metrics handler off for its requests).
    /// </summary>
    /// <returns>The call's duration in Stopwatch ticks, -1 when its router is not measured.</returns>
    internal long End(int entryPoint, RouteMetrics? route, int method, int protocol, int status, int grpcStatus, long start,
        long requestBytes, long responseBytes)
    {
        var ticks = Stopwatch.GetTimestamp() - start;
        Interlocked.Decrement(ref InFlight[entryPoint][(method * RequestLabels.Protocols.Length) + protocol]);
        var code = status;
        var grpc = protocol is RequestLabels.Grpc or RequestLabels.GrpcWeb;
        if (grpc)
        {
            // Traefik v3 (pkg/middlewares/metrics/metrics.go, grpcStatusCode): a gRPC or gRPC-Web call's code label
            // is its grpc-status, Unknown (2) when the answer has none.
            code = grpcStatus == GrpcStatusSeries.None ? 2 : grpcStatus;
        }

        var key = RequestLabels.Key(method, protocol, code);
        if (route is { Measured: false })
        {
            return -1;
        }

        EntryPoints[entryPoint]?.Observe(key, ticks, BoundTicks, requestBytes, responseBytes);
        if (route is not null)
        {
            route.Router?.Observe(key, ticks, BoundTicks, requestBytes, responseBytes);
            route.Service?.Observe(key, ticks, BoundTicks, requestBytes, responseBytes);
        }

        OtlpDurations?.Record(EntryPoints[entryPoint], route, key, ticks);

        if (grpc)
        {
            (route?.Grpc ?? Unrouted).Count(grpcStatus);
        }

        return ticks;
    }

    /// <summary>switchyard_config_source_missing: the manifest folder is gone and the last table keeps serving.</summary>
    public bool ConfigSourceMissing { get; set; }

    /// <summary>
    /// A table was published: traefik_config_reloads_total, last success time, certificate expiries; the series
    /// of routers and services the table no longer has are removed (a scrape shows only what exists).
    /// </summary>
    public void OnTablePublished(CompiledTable table)
    {
        Interlocked.Increment(ref _reloads);
        Volatile.Write(ref _lastReloadSuccessMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _certificates = CertificateExpiry.Read(table.Table.Tls);
        Current = table;
        var measured = table.Table.Routers.Where(Measured).ToList();
        var routers = measured.Select(r => (r.Name, r.Service)).ToHashSet();
        var services = measured.Select(r => r.Service).ToHashSet(StringComparer.Ordinal);
        var names = measured.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _routers.Keys.Where(k => !routers.Contains(k)))
        {
            _routers.TryRemove(key, out _);
        }

        foreach (var key in _services.Keys.Where(k => !services.Contains(k)))
        {
            _services.TryRemove(key, out _);
        }

        foreach (var key in _grpc.Keys.Where(k => !names.Contains(k)))
        {
            _grpc.TryRemove(key, out _);
        }
    }

    /// <summary>A snapshot could not be made into a table (the previous one keeps serving).</summary>
    public void OnReloadFailed()
    {
        Interlocked.Increment(ref _reloadFailures);
        Volatile.Write(ref _lastReloadFailureMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>The table last published (server health for traefik_service_server_up).</summary>
    internal CompiledTable? Current { get; private set; }

    internal long ReloadFailures => Volatile.Read(ref _reloadFailures);

    internal long LastReloadFailureMs => Volatile.Read(ref _lastReloadFailureMs);

    /// <summary>
    /// grpc-status from the trailers, else from the headers (trailers-only answers), else (gRPC-Web) from the
    /// grpcWeb middleware's trailer frame; none when absent.
    /// </summary>
    internal static int GrpcStatus(HttpContext context, int protocol)
    {
        var value = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers.GrpcStatus ?? default;
        if (value.Count == 0)
        {
            value = context.Response.Headers.GrpcStatus;
        }

        if (value.Count == 0 && protocol == RequestLabels.GrpcWeb)
        {
            value = GrpcStatusReport.Get(context);
        }

        if (value.Count == 0 || value[0] is not { Length: 1 or 2 } s)
        {
            return GrpcStatusSeries.None;
        }

        var n = s[0] - '0';
        if (s.Length == 2)
        {
            n = (n * 10) + (s[1] - '0');
        }

        return n is >= 0 and <= 16 && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[^1]) ? n : GrpcStatusSeries.None;
    }

    /// <summary><c>name="value"</c> with Prometheus escaping (backslash, quote, newline).</summary>
    internal static string Label(string name, string value) =>
        $"{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";
}

/// <summary>traefik_tls_certs_not_after: one certificate of the table, read when the table is published.</summary>
internal sealed record CertificateExpiry(string Labels, double NotAfterUnixSeconds)
{
    public static CertificateExpiry[] Read(TlsConfig tls)
    {
        var result = new List<CertificateExpiry>(tls.Certificates.Count);
        foreach (var (_, certificate) in tls.Certificates)
        {
            // The compiler's summary: reading the X.509 object here would load OpenSSL before any handshake.
            var summary = certificate.Pem.Summary;
            var labels = $"{GatewayMetrics.Label("cn", summary.SimpleName)},"
                + $"{GatewayMetrics.Label("sans", string.Join(",", certificate.DnsNames))},"
                + GatewayMetrics.Label("serial", summary.SerialNumber);
            result.Add(new CertificateExpiry(labels, summary.NotAfter.ToUnixTimeSeconds()));
        }

        return [.. result];
    }
}
