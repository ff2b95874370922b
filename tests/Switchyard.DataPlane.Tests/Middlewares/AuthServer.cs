using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// A real forwardAuth server (Kestrel on 127.0.0.1:0, HTTP/1.1). The caller picks the verdict with the
/// <c>x-verdict</c> header: allow (200 + X-User, X-Auth-Role, X-Auth-Extra, cookies), deny (401 + challenge
/// and body), forbid (403), fail (500), redirect (302 to a relative /login), teapot (418). Every request's
/// headers, method and body are recorded.
/// </summary>
public sealed class AuthServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>TCP connections accepted so far (pooling tests).</summary>
    public int Connections => Volatile.Read(ref _connections);

    private int _connections;

    public ConcurrentQueue<(string Method, Dictionary<string, string> Headers, string Body)> Requests { get; } = new();

    public static async Task<AuthServer> StartAsync(X509Certificate2? certificate = null, X509Certificate2? clientCa = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        AuthServer? server = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http1;
            o.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._connections);
                return next(connection);
            });
            if (certificate is not null)
            {
                o.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateMode = clientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (cert, _, _) => clientCa is not null && cert.Issuer == clientCa.Subject,
                });
            }

            listen = o;
        }));
        var app = builder.Build();
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            server!.Requests.Enqueue((ctx.Request.Method,
                ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal), body));
            var response = ctx.Response;
            switch (ctx.Request.Headers["x-verdict"].ToString())
            {
                case "allow":
                    response.Headers["X-User"] = "alice";
                    response.Headers["X-Auth-Role"] = "admin";
                    response.Headers["X-Auth-Extra"] = "extra";
                    response.Headers["X-Not-Copied"] = "nope";
                    response.Headers.Append("Set-Cookie", "session=abc; Path=/");
                    response.Headers.Append("Set-Cookie", "other=zzz; Path=/");
                    response.StatusCode = 200;
                    break;
                case "deny":
                    response.StatusCode = 401;
                    response.Headers.WWWAuthenticate = "Bearer realm=\"test\"";
                    response.ContentType = "text/html";
                    await response.WriteAsync("<html>please log in</html>");
                    break;
                case "forbid":
                    response.StatusCode = 403;
                    break;
                case "fail":
                    response.StatusCode = 500;
                    break;
                case "redirect":
                    response.StatusCode = 302;
                    response.Headers.Location = "/login?from=x";
                    break;
                default:
                    response.StatusCode = 418;
                    break;
            }
        });
        await app.StartAsync();
        var scheme = certificate is null ? "http" : "https";
        server = new AuthServer(app, new Uri($"{scheme}://127.0.0.1:{listen!.IPEndPoint!.Port}/auth"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
