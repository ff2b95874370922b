using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Acme;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Acme;

/// <summary>
/// Real Kestrel listeners on 127.0.0.1:0 that answer challenges from an <see cref="AcmeChallengeStore"/> with
/// the product's responders: cleartext for HTTP-01, TLS for TLS-ALPN-01. (Client-level tests; the gateway's own
/// entry points are exercised by the end-to-end ACME tests.)
/// </summary>
internal sealed class AcmeChallengeListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AcmeChallengeListener(WebApplication app, int httpPort, int tlsPort)
    {
        _app = app;
        HttpPort = httpPort;
        TlsPort = tlsPort;
    }

    public int HttpPort { get; }

    public int TlsPort { get; }

    public static async Task<AcmeChallengeListener> StartAsync(AcmeChallengeStore store)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var fallback = TestCertificates.SelfSigned("fallback.test");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = ctx => ValueTask.FromResult(
                    AcmeChallengeResponder.TlsAlpn01Options(ctx.ClientHelloInfo.ServerName, store)
                    ?? new SslServerAuthenticationOptions { ServerCertificate = fallback }),
            }));
        });
        var app = builder.Build();
        app.Run(ctx => AcmeChallengeResponder.TryAnswerHttp01(ctx, store, out var answer)
            ? answer
            : Results.NotFound().ExecuteAsync(ctx));
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).ToList();
        return new AcmeChallengeListener(app, ports.First(u => u.Scheme == "http").Port, ports.First(u => u.Scheme == "https").Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
