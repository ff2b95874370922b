using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.TestKit;

/// <summary>Options of a <see cref="GrpcTestBackend"/>.</summary>
public sealed record GrpcTestBackendOptions
{
    /// <summary>Serve TLS (ALPN h2 + http/1.1) with this certificate; null ⇒ cleartext h2c (prior knowledge).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>With TLS: require a client certificate issued by this CA.</summary>
    public X509Certificate2? ClientCa { get; init; }

    /// <summary>Cleartext only: serve HTTP/1.1 instead of h2c (for plain HTTP backends).</summary>
    public bool Http1Only { get; init; }

    /// <summary>Reject gRPC requests without <c>te: trailers</c>, like strict gRPC servers do.</summary>
    public bool RequireTeTrailers { get; init; }

    /// <summary>Extra endpoints (e.g. plain HTTP handlers for health checks).</summary>
    public Action<WebApplication>? Configure { get; init; }
}

/// <summary>
/// A real Grpc.AspNetCore backend on 127.0.0.1:0 serving the Echo service and grpc.health.v1, with counters
/// that tests assert on.
/// </summary>
public sealed class GrpcTestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;
    private int _cancellations;

    private GrpcTestBackend(string name, WebApplication app, HealthServiceImpl health, Uri address)
    {
        Name = name;
        _app = app;
        Health = health;
        Address = address;
    }

    public string Name { get; }

    /// <summary>http://127.0.0.1:port or https://127.0.0.1:port.</summary>
    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>The grpc.health.v1 implementation; call SetStatus to flip it.</summary>
    public HealthServiceImpl Health { get; }

    /// <summary>Echo calls received (any method).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Echo calls whose cancellation token fired (client or proxy cancelled them).</summary>
    public int Cancellations => Volatile.Read(ref _cancellations);

    internal void CountCall() => Interlocked.Increment(ref _calls);

    internal void CountCancellation() => Interlocked.Increment(ref _cancellations);

    public static async Task<GrpcTestBackend> StartAsync(string name, GrpcTestBackendOptions? options = null)
    {
        options ??= new GrpcTestBackendOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        var health = new HealthServiceImpl();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus("switchyard.test.Echo", HealthCheckResponse.Types.ServingStatus.Serving);
        builder.Services.AddSingleton(health);
        GrpcTestBackend? self = null;
        builder.Services.AddSingleton(_ => self!);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MinRequestBodyDataRate = null;
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (options.Certificate is { } cert)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = cert,
                        ClientCertificateMode = options.ClientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = options.ClientCa is null ? null : (c, _, _) => ChainsTo(c, options.ClientCa),
                    });
                }
                else
                {
                    listen.Protocols = options.Http1Only ? HttpProtocols.Http1 : HttpProtocols.Http2;
                }
            });
        });

        var app = builder.Build();
        if (options.RequireTeTrailers)
        {
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true &&
                    !string.Equals(ctx.Request.Headers.TE, "trailers", StringComparison.OrdinalIgnoreCase))
                {
                    ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await ctx.Response.WriteAsync("te: trailers required");
                    return;
                }

                await next(ctx);
            });
        }

        app.MapGrpcService<EchoService>();
        app.MapGrpcService<HealthServiceImpl>();
        options.Configure?.Invoke(app);
        await app.StartAsync();
        var addr = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(addr).Port;
        var scheme = options.Certificate is null ? "http" : "https";
        self = new GrpcTestBackend(name, app, health, new Uri($"{scheme}://127.0.0.1:{port}"));
        return self;
    }

    private static bool ChainsTo(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
