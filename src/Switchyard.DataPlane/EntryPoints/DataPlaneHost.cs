using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Net.Security;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.Tracing;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.EntryPoints.ProxyProtocol;
using Switchyard.DataPlane.Admin;
using Switchyard.DataPlane.Api;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Pipeline;
using Switchyard.DataPlane.Swap;
using Switchyard.DataPlane.Tcp;
using Switchyard.DataPlane.Udp;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// The data plane of one process: the table holder, and one Kestrel server per entry point (Kestrel's limits
/// — keep-alive, header timeout, HTTP/2 streams and windows — are per server, and entry points need their own).
/// All servers share the table, the swap state and the YARP forwarder.
/// </summary>
public sealed partial class DataPlaneHost : IAsyncDisposable
{
    private readonly List<(EntryPointOptions Options, WebApplication App, List<ListenOptions> Listeners)> _servers = [];
    private readonly List<UdpEntryPoint> _udp = [];
    private readonly ServiceProvider _shared;
    private readonly ILogger _logger;
    private readonly TcpMiddlewareState _tcpState = new();
    private readonly OtlpMetricsExporter? _otlpMetrics;

    private DataPlaneHost(IReadOnlyList<EntryPointOptions> entryPoints, ILoggerFactory loggerFactory, Action<IServiceCollection>? configureServices,
        MetricsOptions? metrics, AccessLogOptions? accessLog, ApiOptions? api, TracingOptions? tracing)
    {
        Tracing = tracing is null ? null : new GatewayTracing(tracing, loggerFactory.CreateLogger<GatewayTracing>());
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddHttpForwarder();
        services.AddSwitchyardHealthEvents();
        configureServices?.Invoke(services);
        if (Tracing is not null)
        {
            // In the shared services so table builds compose the detailed spans and the forwarder its ReverseProxy span.
            services.AddSingleton(Tracing);
        }

        if (metrics is not null)
        {
            services.AddSingleton(new GatewayMetrics(metrics, [.. entryPoints.Select(e => e.Name)]));
        }

        if (accessLog is not null)
        {
            // In the shared services so table builds see it (the grpcWeb middleware reports its trailer frame's status).
            services.AddSingleton(new AccessLogWriter(accessLog, loggerFactory.CreateLogger<AccessLogWriter>()));
        }

        if (api is not null)
        {
            // In the shared services so table builds find it for api@internal; reads the holder lazily (it is built after).
            var features = new ApiFeatures(metrics is null ? "" : "Prometheus", tracing is null ? "" : "OpenTelemetry", accessLog is not null, api.Providers);
            services.AddSingleton(sp => new ApiHandler(() => sp.GetRequiredService<TableHolder>().Current, new ApiState(api, entryPoints, features), TimeProvider.System));
        }

        services.AddSingleton<SwapState>();
        services.AddSingleton(sp => new TableBuilder(
            [.. entryPoints.Select(e => e.Name)], sp.GetRequiredService<IHttpForwarder>(), sp.GetRequiredService<SwapState>(), sp, loggerFactory));
        services.AddSingleton<TableHolder>();
        services.AddSingleton<GatewayHealth>();
        _shared = services.BuildServiceProvider();
        _logger = loggerFactory.CreateLogger<DataPlaneHost>();
        Tables = _shared.GetRequiredService<TableHolder>();
        Health = _shared.GetRequiredService<GatewayHealth>();
        Metrics = _shared.GetService<GatewayMetrics>();
        AccessLog = _shared.GetService<AccessLogWriter>();
        Api = _shared.GetService<ApiHandler>();

        if (Metrics is { } m)
        {
            Tables.TablePublished += m.OnTablePublished;
            m.AccessLog = AccessLog;
            _otlpMetrics = m.Options.Otlp is { } otlp ? new OtlpMetricsExporter(m, otlp) : null;
        }

        for (var i = 0; i < entryPoints.Count; i++)
        {
            if (entryPoints[i].Udp is { } udp)
            {
                _udp.Add(new UdpEntryPoint(entryPoints[i].Name, entryPoints[i].Endpoint, udp, Tables, loggerFactory.CreateLogger<UdpEntryPoint>()));
                continue;
            }

            _servers.Add(CreateServer(entryPoints[i], i, loggerFactory));
        }
    }

    /// <summary>The table being served; call <see cref="TableHolder.Swap"/> to publish a new one.</summary>
    public TableHolder Tables { get; }

    public GatewayHealth Health { get; }

    /// <summary>The Prometheus series, null when metrics are off (no <c>metrics.prometheus</c> in the static config).</summary>
    public GatewayMetrics? Metrics { get; }

    /// <summary>The access log, null when off (no <c>accessLog</c> in the static config).</summary>
    public AccessLogWriter? AccessLog { get; }

    /// <summary>OpenTelemetry tracing, null when off (no <c>tracing</c> in the static config).</summary>
    public GatewayTracing? Tracing { get; }

    /// <summary>Traefik's REST API and the dashboard, null when off (no <c>api</c> in the static config).</summary>
    public ApiHandler? Api { get; }

    /// <summary>ACME resolvers' challenges and certificates, when the configuration defines any (registered in configureServices).</summary>
    public AcmeCertificates? Acme => _shared.GetService<AcmeCertificates>();

    /// <summary>The UDP entry points (sessions and drops, for tests and diagnostics).</summary>
    public IReadOnlyList<UdpEntryPoint> UdpEntryPoints => _udp;

    /// <summary>Services shared by every table build (logging, time provider, YARP forwarder, extras).</summary>
    public IServiceProvider Services => _shared;

    /// <param name="metrics">Prometheus metrics served at GET /metrics on an admin entry point; null = off (zero cost).</param>
    /// <param name="accessLog">Access log lines of every routed entry point; null = off.</param>
    /// <param name="api">The API and dashboard (admin entry points when insecure, api@internal routes); null = off.</param>
    /// <param name="tracing">OpenTelemetry spans exported over OTLP; null = off (no listener, nothing per call).</param>
    public static DataPlaneHost Create(IReadOnlyList<EntryPointOptions> entryPoints, ILoggerFactory loggerFactory, Action<IServiceCollection>? configureServices = null,
        MetricsOptions? metrics = null, AccessLogOptions? accessLog = null, ApiOptions? api = null, TracingOptions? tracing = null)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ep in entryPoints)
        {
            if (!names.Add(ep.Name))
            {
                throw new ArgumentException($"entry point '{ep.Name}' is defined twice");
            }
        }

        if (metrics is { EntryPoint.Length: > 0 } && !entryPoints.Any(e => e.Name == metrics.EntryPoint && e.Admin))
        {
            throw new ArgumentException($"metrics entry point '{metrics.EntryPoint}' is not an admin entry point");
        }

        return new DataPlaneHost(entryPoints, loggerFactory, configureServices, metrics, accessLog, api, tracing);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (options, app, _) in _servers)
        {
            await app.StartAsync(cancellationToken);
            LogListening(_logger, options.Name, Endpoint(options.Name).ToString(), options.Tls, options.Admin);
        }

        foreach (var udp in _udp)
        {
            udp.Start();
            LogListeningUdp(_logger, udp.Name, udp.Endpoint.ToString());
        }

        Health.SetListenersUp(true);
    }

    /// <summary>The bound address of an entry point (the real port when configured with port 0).</summary>
    public IPEndPoint Endpoint(string entryPoint)
    {
        foreach (var (options, _, listeners) in _servers)
        {
            if (options.Name == entryPoint)
            {
                return listeners[^1].IPEndPoint!;
            }
        }

        foreach (var udp in _udp)
        {
            if (udp.Name == entryPoint)
            {
                return udp.Endpoint;
            }
        }

        throw new ArgumentException($"no entry point '{entryPoint}'");
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Health.SetListenersUp(false);
        foreach (var (_, app, _) in _servers)
        {
            await app.StopAsync(cancellationToken);
        }

        foreach (var udp in _udp)
        {
            await udp.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Health.SetListenersUp(false);
        foreach (var (options, app, _) in _servers)
        {
            using var cts = new CancellationTokenSource(options.ShutdownGrace);
            try
            {
                await app.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Grace over: remaining connections are dropped by DisposeAsync.
            }

            await app.DisposeAsync();
        }

        foreach (var udp in _udp)
        {
            await udp.DisposeAsync();
        }

        if (AccessLog is not null)
        {
            await AccessLog.DisposeAsync();
        }

        Tracing?.Dispose();
        _otlpMetrics?.Dispose();

        await _shared.DisposeAsync();
    }

    private (EntryPointOptions, WebApplication, List<ListenOptions>) CreateServer(EntryPointOptions options, int index, ILoggerFactory loggerFactory)
    {
        // An empty host: Switchyard's configuration is its static config, so none of the slim builder's defaults are
        // wanted — its appsettings.json sources watched the working directory recursively (one inotify watch per
        // sub-folder and entry point), and its environment, command-line and JSON configuration providers, file
        // providers, host filtering and forwarded-headers options were assemblies and types loaded into every gateway
        // for nothing. Kestrel's core alone is enough: every listener and its TLS are configured in code below.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddSingleton<ILoggerFactory>(new HostLoggerFactory(loggerFactory));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownGrace);
        var listeners = new List<ListenOptions>();
        builder.WebHost.UseSockets(SocketTransportTuning.Configure);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            EntryPointLimits.Apply(kestrel.Limits, options);
            ConfigureListeners(kestrel, options, index, listeners);
        });

        if (options.Admin)
        {
            builder.Services.AddGrpc();
            // Resolved when the first gRPC health call builds the admin routes (AdminEndpoints.Handler), not before.
            builder.Services.AddSingleton(_ => Health.Service);
            builder.Services.AddRouting();
        }

        var app = builder.Build();
        if (options.Admin)
        {
            if (Api is { State.Options.Insecure: true } api)
            {
                app.Use(async (context, next) =>
                {
                    if (!await api.TryHandleAsync(context))
                    {
                        await next(context);
                    }
                });
            }

            app.Run(AdminEndpoints.Handler(app.Services, Health, Metrics is { } m && m.Options.EntryPoint == options.Name ? m : null));
        }
        else
        {
            // HTTP-01 is answered on cleartext entry points only (RFC 8555 validates over port 80).
            var handler = new ProxyHandler(Tables, index, options.Tls ? null : Acme?.Challenges, Metrics, ForwardedHeaders.Create(options.ForwardedHeaders),
                AccessLog, options.Name, Tracing);
            app.Run(handler.InvokeAsync);
        }

        return (options, app, listeners);
    }

    private void CountConnections(ListenOptions listen, int index)
    {
        if (Metrics is { } metrics)
        {
            listen.Use(metrics.CountConnections(index));
        }
    }

    private void ConfigureListeners(KestrelServerOptions kestrel, EntryPointOptions options, int index, List<ListenOptions> listeners)
    {
        if (options.Tls)
        {
            kestrel.Listen(options.Endpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                CountConnections(listen, index);
                AddProxyProtocol(listen, options);
                AddTcpRouter(listen, options);
                AddConnectionAge(listen, options);
                var acme = Acme;
                if (acme is not null)
                {
                    listen.Use(ClientHelloAlpn.Middleware(acme.Challenges));
                }

                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    // Certificates and TLSOptions come from the table being served at handshake time; ACME
                    // certificates (held by the resolvers, outside the table) fill in names the table has none for.
                    OnConnection = ctx => ValueTask.FromResult(acme is null
                        ? Tables.Current.Tls.Select(ctx.ClientHelloInfo.ServerName)
                        : SelectWithAcme(acme, ctx.ClientHelloInfo.ServerName, ctx.Connection.Items.ContainsKey(ClientHelloAlpn.AcmeTlsOfferedKey))),
                    HandshakeTimeout = TimeSpan.FromSeconds(10),
                });
                listen.Use(Http2HeaderTimeout.Create(options.ReadHeaderTimeout, tls: true));
                listeners.Add(listen);
            });
            return;
        }

        // Cleartext: HTTP/1.1 and h2c on one port (see H2cPrefaceSniffer). The hidden HTTP/2 listener is bound first
        // so its pipeline exists before the public port accepts anything.
        var sniffer = new H2cPrefaceSniffer();
        kestrel.Listen(IPAddress.Loopback, 0, hidden =>
        {
            hidden.Protocols = HttpProtocols.Http2;
            hidden.Use(sniffer.CaptureHttp2Pipeline);
            hidden.Use(Http2HeaderTimeout.Create(options.ReadHeaderTimeout, tls: false));
            AddConnectionAge(hidden, options);
            listeners.Add(hidden);
        });
        kestrel.Listen(options.Endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            // Outermost, so a connection handed to the HTTP/2 pipeline by the sniffer is counted once, for its life.
            CountConnections(listen, index);
            AddProxyProtocol(listen, options);
            AddTcpRouter(listen, options);
            listen.Use(sniffer.Sniff);
            AddConnectionAge(listen, options);
            listeners.Add(listen);
        });
    }

    private SslServerAuthenticationOptions SelectWithAcme(AcmeCertificates acme, string? serverName, bool offersAcmeTls) =>
        (offersAcmeTls ? AcmeChallengeResponder.TlsAlpn01Options(serverName, acme.Challenges) : null)
        ?? Tables.Current.Tls.Select(serverName, acme.Find);

    /// <summary>The PROXY header is read first, so the TCP router, TLS and HTTP all see the client's address.</summary>
    private void AddProxyProtocol(ListenOptions listen, EntryPointOptions options)
    {
        if (options.ProxyProtocol is { } proxyProtocol)
        {
            var logger = _shared.GetRequiredService<ILoggerFactory>().CreateLogger<ProxyProtocolReceiver>();
            listen.Use(new ProxyProtocolReceiver(proxyProtocol, options.ReadHeaderTimeout, logger).Middleware);
        }
    }

    /// <summary>IngressRouteTCP routers of this entry point see each connection before TLS and HTTP do.</summary>
    private void AddTcpRouter(ListenOptions listen, EntryPointOptions options)
    {
        var logger = _shared.GetRequiredService<ILoggerFactory>().CreateLogger<TcpEntryPointRouter>();
        listen.Use(new TcpEntryPointRouter(Tables, options.Name, options.Tls, _tcpState, logger).Middleware);
    }

    private static void AddConnectionAge(ListenOptions listen, EntryPointOptions options)
    {
        if (options.MaxConnectionAge is { } age)
        {
            listen.Use(ConnectionAgeLimiter.Create(age, options.MaxConnectionAgeGrace));
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "entry point {EntryPoint} listening on {Endpoint} (tls: {Tls}, admin: {Admin})")]
    private static partial void LogListening(ILogger logger, string entryPoint, string endpoint, bool tls, bool admin);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "entry point {EntryPoint} listening on {Endpoint}/udp")]
    private static partial void LogListeningUdp(ILogger logger, string entryPoint, string endpoint);
}
