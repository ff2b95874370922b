using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.TestKit.Otlp;

namespace Switchyard.TestKit.Observability;

/// <summary>One exported span with the resource it came with.</summary>
public sealed record ReceivedSpan(Span Span, Resource Resource)
{
    public string TraceId => Convert.ToHexStringLower(Span.TraceId.Span);

    public string SpanId => Convert.ToHexStringLower(Span.SpanId.Span);

    public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.Span);

    /// <summary>A string attribute's value, or the values of a string-array attribute joined with ",".</summary>
    public string? Text(string key) => Attribute(key) switch
    {
        null => null,
        { ValueCase: AnyValue.ValueOneofCase.ArrayValue } a => string.Join(",", a.ArrayValue.Values.Select(v => v.StringValue)),
        { } v => v.StringValue,
    };

    public AnyValue? Attribute(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value;

    public AnyValue? ResourceAttribute(string key) => Resource.Attributes.FirstOrDefault(a => a.Key == key)?.Value;
}

/// <summary>One exported data point of a metric (counter or gauge) with its attributes.</summary>
public sealed record ReceivedPoint(string Metric, long Value, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One exported data point of a histogram: its explicit bounds and per-bucket (not cumulative) counts.</summary>
public sealed record ReceivedHistogram(string Metric, ulong Count, double Sum, IReadOnlyList<double> Bounds, IReadOnlyList<ulong> BucketCounts,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/gRPC collector for tests: a real Grpc.AspNetCore TraceService/Export on Kestrel (h2c, or TLS with an
/// optional client certificate requirement; 127.0.0.1, port 0).
/// Every span and metric data point received is queued; tests read them with a bounded wait.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedSpan> _spans = Channel.CreateUnbounded<ReceivedSpan>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<ReceivedSpan> _received = new();
    private readonly Channel<ReceivedPoint> _points = Channel.CreateUnbounded<ReceivedPoint>();
    private readonly Channel<ReceivedHistogram> _histograms = Channel.CreateUnbounded<ReceivedHistogram>();

    private OtlpReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>http://127.0.0.1:port (an OTLP/gRPC endpoint).</summary>
    public Uri Address { get; }

    /// <summary>Connections that ended (a refused TLS handshake ends one without any export).</summary>
    public int ConnectionsEnded => Volatile.Read(ref _connectionsEnded);

    /// <summary>The subject of each client certificate an export came with (mutual TLS).</summary>
    public IReadOnlyCollection<string> ClientSubjects => _clientSubjects;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _clientSubjects = new();
    private int _connectionsEnded;

    /// <param name="certificate">Serve TLS (https://127.0.0.1:port) with this certificate instead of h2c.</param>
    /// <param name="clientCa">With <paramref name="certificate"/>: require a client certificate issued by this CA.</param>
    public static async Task<OtlpReceiver> StartAsync(X509Certificate2? certificate = null, X509Certificate2? clientCa = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        OtlpReceiver? self = null;
        builder.Services.AddSingleton(_ => self!);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (certificate is null)
            {
                return;
            }

            l.Use(next => async connection =>
            {
                try
                {
                    await next(connection);
                }
                finally
                {
                    Interlocked.Increment(ref self!._connectionsEnded);
                }
            });
            l.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (clientCa is not null)
                {
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (client, _, _) => IssuedBy(client, clientCa);
                }
            });
        }));
        var app = builder.Build();
        app.MapGrpcService<TraceServiceImpl>();
        app.MapGrpcService<MetricsServiceImpl>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new OtlpReceiver(app, new Uri(address));
        return self;
    }

    /// <summary>The next span received for which <paramref name="match"/> holds, within <paramref name="timeout"/>.</summary>
    public async Task<ReceivedSpan> NextAsync(Func<ReceivedSpan, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var span = await _spans.Reader.ReadAsync(cts.Token);
                if (match(span))
                {
                    return span;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching span exported within {timeout}");
        }
    }

    /// <summary>The next metric data point for which <paramref name="match"/> holds, within <paramref name="timeout"/>.</summary>
    public async Task<ReceivedPoint> NextPointAsync(Func<ReceivedPoint, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var point = await _points.Reader.ReadAsync(cts.Token);
                if (match(point))
                {
                    return point;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching metric data point exported within {timeout}");
        }
    }

    /// <summary>The next histogram data point for which <paramref name="match"/> holds, within <paramref name="timeout"/>.</summary>
    public async Task<ReceivedHistogram> NextHistogramAsync(Func<ReceivedHistogram, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var point = await _histograms.Reader.ReadAsync(cts.Token);
                if (match(point))
                {
                    return point;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching histogram data point exported within {timeout}");
        }
    }

    /// <summary>Every span received so far, matching or not (to show that a call exported nothing).</summary>
    public IReadOnlyCollection<ReceivedSpan> Received => _received;

    /// <summary>The next <paramref name="count"/> spans for which <paramref name="match"/> holds, within <paramref name="timeout"/>.</summary>
    public async Task<List<ReceivedSpan>> CollectAsync(Func<ReceivedSpan, bool> match, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var spans = new List<ReceivedSpan>();
        try
        {
            while (spans.Count < count)
            {
                var span = await _spans.Reader.ReadAsync(cts.Token);
                if (match(span))
                {
                    spans.Add(span);
                }
            }

            return spans;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{spans.Count} of {count} matching spans exported within {timeout}: {string.Join(", ", spans.Select(s => s.Span.Name))}");
        }
    }

    private static bool IssuedBy(X509Certificate2 client, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    private void Exported(ServerCallContext context)
    {
        if (context.GetHttpContext().Connection.ClientCertificate is { } client)
        {
            _clientSubjects.Enqueue(client.Subject);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class TraceServiceImpl(OtlpReceiver receiver) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            receiver.Exported(context);
            foreach (var resourceSpans in request.ResourceSpans)
            {
                foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                {
                    var received = new ReceivedSpan(span, resourceSpans.Resource ?? new Resource());
                    receiver._received.Enqueue(received);
                    receiver._spans.Writer.TryWrite(received);
                }
            }

            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }

    private sealed class MetricsServiceImpl(OtlpReceiver receiver) : Otlp.Metrics.MetricsService.MetricsServiceBase
    {
        public override Task<Otlp.Metrics.ExportMetricsServiceResponse> Export(Otlp.Metrics.ExportMetricsServiceRequest request, ServerCallContext context)
        {
            receiver.Exported(context);
            foreach (var metric in request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
            {
                var points = metric.Sum?.DataPoints ?? metric.Gauge?.DataPoints;
                foreach (var point in points ?? [])
                {
                    var value = point.AsInt != 0 ? point.AsInt : (long)point.AsDouble;
                    var attributes = Attributes(point.Attributes);
                    receiver._points.Writer.TryWrite(new ReceivedPoint(metric.Name, value, attributes));
                }

                foreach (var point in metric.Histogram?.DataPoints ?? [])
                {
                    receiver._histograms.Writer.TryWrite(new ReceivedHistogram(metric.Name, point.Count, point.Sum, [.. point.ExplicitBounds],
                        [.. point.BucketCounts], Attributes(point.Attributes)));
                }
            }

            return Task.FromResult(new Otlp.Metrics.ExportMetricsServiceResponse());
        }

        private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes) =>
            attributes.ToDictionary(a => a.Key, a => a.Value is { ValueCase: AnyValue.ValueOneofCase.IntValue } v
                ? v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : a.Value?.StringValue ?? "");
    }
}
