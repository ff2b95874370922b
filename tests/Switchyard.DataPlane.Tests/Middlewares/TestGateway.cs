using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// A small gateway for middleware tests: Kestrel on 127.0.0.1:0 with one HTTP/1.1 and one h2c listener,
/// running the current middleware list (in order) and then the forwarding core (YarpBackendForwarder over
/// YARP's IHttpForwarder) to one h2c backend.
/// The list can be replaced at any time, like a table swap.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _http1;
    private readonly ListenOptions _h2c;
    private readonly ListenOptions? _tls;
    private volatile RequestDelegate _pipeline;
    private readonly RequestDelegate _terminal;

    private TestGateway(WebApplication app, ListenOptions http1, ListenOptions h2c, ListenOptions? tls, RequestDelegate terminal)
    {
        _tls = tls;
        _app = app;
        _http1 = http1;
        _h2c = h2c;
        _terminal = terminal;
        _pipeline = terminal;
    }

    public Uri Http1Address => new($"http://127.0.0.1:{_http1.IPEndPoint!.Port}");

    public Uri H2cAddress => new($"http://127.0.0.1:{_h2c.IPEndPoint!.Port}");

    /// <summary>HTTPS (h2 + http/1.1), client certificates accepted when offered; only with a certificate at start.</summary>
    public Uri TlsAddress => new($"https://127.0.0.1:{_tls!.IPEndPoint!.Port}");

    /// <summary>Swap in a new middleware list (composed once, like a table swap).</summary>
    public void Use(params IRouteMiddleware[] middlewares)
    {
        RequestDelegate next = _terminal;
        for (var i = middlewares.Length - 1; i >= 0; i--)
        {
            var middleware = middlewares[i];
            var inner = next;
            next = ctx => middleware.InvokeAsync(ctx, inner);
        }

        _pipeline = next;
    }

    public static async Task<TestGateway> StartAsync(Uri backend, X509Certificate2? tlsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        ListenOptions? http1 = null;
        ListenOptions? h2c = null;
        ListenOptions? tls = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1; http1 = o; });
            k.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http2; h2c = o; });
            if (tlsCertificate is not null)
            {
                k.Listen(IPAddress.Loopback, 0, o =>
                {
                    o.Protocols = HttpProtocols.Http1AndHttp2;
                    o.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tlsCertificate,
                        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (_, _, _) => true, // the tests check what is passed on, not trust
                    });
                    tls = o;
                });
            }
        });

        var app = builder.Build();

        // The forwarding core's own forwarder (YARP IHttpForwarder, ServersTransport pools, gRPC-aware errors).
        var server = new ServerConfig(backend.Host, backend.Port);
        var service = new LoadBalancerService([server], BalancerStrategy.Wrr, ServerScheme.H2c, PassHostHeader: true, "default",
            TimeSpan.FromMilliseconds(100), null, null, null);
        var table = RoutingTable.Empty with
        {
            Services = RoutingTable.Empty.Services.Add("default-backend", service),
            ServersTransports = RoutingTable.Empty.ServersTransports.Add("default", ServersTransportConfig.Default),
        };
        var forwarder = new YarpBackendForwarder(app.Services.GetRequiredService<IHttpForwarder>(), table, new TestSwapState(), NullLogger.Instance)
            .For(service);
        var backendServer = BackendServers.From(server, service.Scheme);
        RequestDelegate terminal = async ctx => await forwarder.ForwardAsync(ctx, backendServer);

        // The entry point's forwarded-headers step, trusting the loopback callers of these tests (so their
        // X-Forwarded-* reach the middlewares, as behind a trusted front proxy).
        var forwarded = Pipeline.ForwardedHeaders.Create(new EntryPoints.ForwardedHeadersOptions { TrustedIPs = [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("::1/128")] });
        TestGateway? gateway = null;
        app.Run(ctx =>
        {
            forwarded.Apply(ctx);
            return gateway!._pipeline(ctx);
        });
        await app.StartAsync();
        gateway = new TestGateway(app, http1!, h2c!, tls, terminal);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>ISwapState for tests: a dictionary that outlives the middlewares built from it.</summary>
public sealed class TestSwapState : ISwapState
{
    private readonly ConcurrentDictionary<string, object> _items = new(StringComparer.Ordinal);

    public T GetOrAdd<T>(string key, Func<T> create) where T : class => (T)_items.GetOrAdd(key, _ => create());
}

/// <summary>Builds middlewares through the registry, as the data plane does.</summary>
public static class Build
{
    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    /// <param name="time">The clock the middleware reads (default: the system's).</param>
    public static IRouteMiddleware Middleware(MiddlewareConfig config, ISwapState? state = null, string id = "default-test", TimeProvider? time = null)
    {
        var services = time is null ? Services : new ServiceCollection().AddSingleton(time).BuildServiceProvider();
        var context = new MiddlewareBuildContext(services, state ?? new TestSwapState(), RoutingTable.Empty);
        if (!MiddlewareRegistry.TryCreate(id, config, context, out var middleware, out var error))
        {
            throw new InvalidOperationException(error);
        }

        return middleware!;
    }
}
