using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Tests.Transport;

/// <summary>
/// A real Kestrel HTTPS backend on 127.0.0.1:0 with a certificate made by the test. It answers with the protocol it
/// saw and the client certificate's subject, counts the connections it accepted and closed, and holds the answer of
/// <c>/slow</c> until <see cref="Release"/>.
/// </summary>
internal sealed class TlsHttpBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _opened;
    private int _closed;

    private TlsHttpBackend(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public string Url => $"https://127.0.0.1:{Port}";

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Set when /slow answered (after <see cref="Release"/>).</summary>
    public bool SlowAnswered { get; private set; }

    public void Release() => _release.TrySetResult();

    public static async Task<TlsHttpBackend> StartAsync(X509Certificate2 certificate, Action<HttpsConnectionAdapterOptions>? tls = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        TlsHttpBackend? self = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            // Outside TLS: every accepted TCP connection counts, also one whose handshake fails.
            listen.Use(next => async connection =>
            {
                Interlocked.Increment(ref self!._opened);
                try
                {
                    await next(connection);
                }
                finally
                {
                    Interlocked.Increment(ref self._closed);
                }
            });
            var options = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
            tls?.Invoke(options);
            listen.UseHttps(options);
        }));
        var app = builder.Build();
        self = new TlsHttpBackend(app);
        app.Run(async ctx =>
        {
            if (ctx.Request.Path == "/stream")
            {
                // One chunk now, the rest only after Release: the caller must see the first before that.
                await ctx.Response.WriteAsync("first;");
                await ctx.Response.Body.FlushAsync();
                await self._release.Task.WaitAsync(ctx.RequestAborted);
                await ctx.Response.WriteAsync("second");
                return;
            }

            if (ctx.Request.Path == "/slow")
            {
                await self._release.Task.WaitAsync(ctx.RequestAborted);
                self.SlowAnswered = true;
            }

            var client = await ctx.Connection.GetClientCertificateAsync();
            await ctx.Response.WriteAsync($"{ctx.Request.Protocol} client={client?.Subject}");
        });
        await app.StartAsync();
        self.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
