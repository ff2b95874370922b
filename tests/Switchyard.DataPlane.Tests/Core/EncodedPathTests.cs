using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// Percent-encoded characters in the path reach the backend as the client sent them, as with Traefik (which
/// forwards the URL's RawPath): %2F stays %2F (YARP alone sends %252F). Encoded dots cannot leave a PathPrefix.
/// </summary>
[CancelAfter(60_000)]
public sealed class EncodedPathTests
{
    private GrpcTestBackend _backend = null!;
    private Gateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // The backend answers with the request target exactly as it arrived (HTTP/2 :path).
        _backend = await GrpcTestBackend.StartAsync("raw", new GrpcTestBackendOptions
        {
            Configure = app => app.Use((HttpContext ctx, RequestDelegate _) =>
            {
                var text = "target=" + ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
                ctx.Response.ContentLength = Encoding.ASCII.GetByteCount(text);
                return ctx.Response.WriteAsync(text);
            }),
        });
        _gateway = await Gateway.StartAsync();
        var lb = Lb("h2c", [_backend.Address]);
        _gateway.Apply(Table(
            [
                Router("api", "svc", PathPrefix("/api/"), priority: 10),
                Router("strip", "svc", PathPrefix("/strip/"), middlewares: ["default-strip"], priority: 10),
                Router("guarded", "svc", PathPrefix("/guarded/"), middlewares: ["default-encoded"], priority: 10),
                Router("open", "svc", PathPrefix("/open/"), middlewares: ["default-encoded-slash"], priority: 10),
            ],
            new Dictionary<string, ServiceConfig> { ["svc"] = lb },
            middlewares: new Dictionary<string, MiddlewareConfig>
            {
                ["default-strip"] = new StripPrefixConfig(["/strip"], false),
                ["default-encoded"] = new EncodedCharactersConfig(ImmutableSortedDictionary<string, bool>.Empty),
                ["default-encoded-slash"] = new EncodedCharactersConfig(ImmutableSortedDictionary<string, bool>.Empty.Add("allowEncodedSlash", true)),
            }));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [TestCase("/api/a%2Fb", "200 target=/api/a%2Fb")]
    [TestCase("/api/a%2fb?q=%2F", "200 target=/api/a%2fb?q=%2F")]
    [TestCase("/api/a%252Fb", "200 target=/api/a%252Fb")]
    [TestCase("/api/a%20b%2Fc", "200 target=/api/a%20b%2Fc")]
    [TestCase("/api/a%2Eb", "200 target=/api/a%2Eb")]
    [TestCase("/api/plain/path", "200 target=/api/plain/path")]
    [TestCase("/api/%2E%2E/secret", "404", Description = "encoded dots are dot segments: they cannot leave the PathPrefix")]
    [TestCase("/api/..%2Fsecret", "200 target=/api/..%2Fsecret", Description = "an encoded slash is no segment separator")]
    [TestCase("/strip/a%2Fb", "200 target=/a%2Fb", Description = "a rewritten path keeps the client's %2F")]
    [TestCase("/guarded/a%2Fb", "400", Description = "encodedCharacters refuses %2F by default")]
    [TestCase("/open/a%2Fb", "200 target=/open/a%2Fb", Description = "and forwards it as sent when allowed")]
    public async Task ThePathReachesTheBackendAsTheClientEncodedIt(string target, string expected)
    {
        // A raw HTTP/1.1 request, so that no client library re-encodes the target.
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _gateway.Web.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(timeout.Token);
        var status = answer.Split(' ')[1];
        var body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

        Assert.That(status == "200" ? status + " " + body.Trim() : status, Is.EqualTo(expected));
    }
}
