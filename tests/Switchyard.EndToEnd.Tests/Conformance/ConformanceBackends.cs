using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// What the conformance echo backend saw, as upstream's echo-basic reports it: the request line, Host, headers, and
/// which "pod" in which namespace answered.
/// </summary>
internal sealed record EchoedRequest(string Path, string Host, string Method, string Namespace, string Pod, Dictionary<string, string[]> Headers, string Protocol = "",
    string Sni = "")
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Value: { } v } ? string.Join(",", v) : null;
}

/// <summary>
/// One conformance backend "pod" (upstream's echo-basic Deployment): a real Kestrel HTTP/1.1 port answering every
/// request with the JSON of what it saw, and a real h2c port serving the same echo plus the gRPC Echo service (whose
/// replies name the backend). Requests are also logged, for the mirror tests.
/// </summary>
internal sealed class ConformanceBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<EchoedRequest> _received = new();
    private GrpcTestBackend _http = null!;
    private GrpcTestBackend _h2c = null!;
    private GrpcTestBackend? _tls;

    private ConformanceBackend(string name, string ns)
    {
        Name = name;
        Namespace = ns;
    }

    /// <summary>The Deployment's name (pods are named after it, as upstream's checks expect).</summary>
    public string Name { get; }

    public string Namespace { get; }

    public int HttpPort => _http.Port;

    public int H2cPort => _h2c.Port;

    /// <summary>The HTTPS port (upstream's tls-backend, port 8443), when started with a certificate.</summary>
    public int TlsPort => _tls?.Port ?? throw new InvalidOperationException($"{Name} has no TLS port");

    /// <summary>Every request either port answered, oldest first.</summary>
    public IReadOnlyCollection<EchoedRequest> Received => _received;

    public static async Task<ConformanceBackend> StartAsync(string name, string ns, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var backend = new ConformanceBackend(name, ns);
        backend._http = await GrpcTestBackend.StartAsync(name, new GrpcTestBackendOptions { Http1Only = true, Configure = backend.MapEcho });
        backend._h2c = await GrpcTestBackend.StartAsync(name, new GrpcTestBackendOptions { Configure = backend.MapEcho });
        if (certificate is not null)
        {
            backend._tls = await GrpcTestBackend.StartAsync(name, new GrpcTestBackendOptions { Certificate = certificate, Configure = backend.MapEcho });
        }

        return backend;
    }

    private void MapEcho(WebApplication app)
    {
        app.UseWebSockets();
        app.MapFallback(async ctx =>
        {
            if (ctx.WebSockets.IsWebSocketRequest)
            {
                await EchoWebSocketAsync(ctx);
                return;
            }

            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);

            // Upstream echo-basic's ?delay=1s: answer late (the timeout tests).
            if (ctx.Request.Query["delay"].FirstOrDefault() is { Length: > 1 } delay && delay.EndsWith('s') &&
                double.TryParse(delay[..^1], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), ctx.RequestAborted);
            }

            var seen = new EchoedRequest(
                ctx.Request.Path.Value + ctx.Request.QueryString.Value,
                ctx.Request.Host.Value ?? "",
                ctx.Request.Method,
                Namespace,
                Name + "-pod",
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.OrdinalIgnoreCase),
                ctx.Request.Protocol,
                ctx.Features.Get<Microsoft.AspNetCore.Server.Kestrel.Core.Features.ISslStreamFeature>()?.SslStream.TargetHostName ?? "");
            _received.Enqueue(seen);

            // Upstream echo-basic's X-Echo-Set-Header "Name:value,Name2:value": response headers the backend sets, so
            // the response-header filters have something to modify.
            foreach (var entry in ctx.Request.Headers["X-Echo-Set-Header"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                var (name, value) = (entry.Split(':', 2)[0].Trim(), entry.Split(':', 2).ElementAtOrDefault(1)?.Trim() ?? "");
                ctx.Response.Headers.Append(name, value);
            }

            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(seen, Json));
        });
    }

    /// <summary>Sends every text or binary message back as it came (upstream echo-basic's /ws).</summary>
    private static async Task EchoWebSocketAsync(HttpContext ctx)
    {
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, ctx.RequestAborted);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, ctx.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, ctx.RequestAborted);
        }
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        await _h2c.DisposeAsync();
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }
    }
}
