using System.IO.Compression;
using System.Net;
using System.Net.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class CompressTests : EchoGatewayFixture
{
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void StartHttp()
    {
        _http = Clients.Http();
    }

    [OneTimeTearDown]
    public void StopHttp()
    {
        _http.Dispose();
    }

    private static CompressConfig Config(params string[] excluded) => new([.. excluded], [], 1024, ["gzip", "br"], null);

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string pathAndQuery, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, pathAndQuery));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await _http.SendAsync(request);
        var raw = await response.Content.ReadAsStreamAsync();
        Stream decoded = response.Content.Headers.ContentEncoding.FirstOrDefault() switch
        {
            "gzip" => new GZipStream(raw, CompressionMode.Decompress),
            "br" => new BrotliStream(raw, CompressionMode.Decompress),
            _ => raw,
        };
        using var reader = new StreamReader(decoded);
        return (response, await reader.ReadToEndAsync());
    }

    [TestCase("gzip", "gzip")]
    [TestCase("br", "br")]
    [TestCase("br;q=0, gzip", "gzip")]
    [TestCase("identity", null)]
    [TestCase(null, null)]
    public async Task LargeBodiesAreCompressedWithAnEncodingTheClientAccepts(string? accept, string? expected)
    {
        Gateway.Use(Build.Middleware(Config()));
        var (response, body) = await GetAsync("/?size=5000", accept);
        using var _ = response;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentEncoding.FirstOrDefault(), Is.EqualTo(expected));
            Assert.That(body, Is.EqualTo(new string('a', 5000)));
            if (expected is not null)
            {
                Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
            }
        });
    }

    [Test]
    public async Task SmallBodiesAndExcludedTypesAreSentAsTheyAre()
    {
        Gateway.Use(Build.Middleware(Config("application/json")));
        var (small, smallBody) = await GetAsync("/?size=100", "gzip");
        var (json, jsonBody) = await GetAsync("/?size=5000&type=application/json", "gzip");
        using var _ = small;
        using var __ = json;
        Assert.Multiple(() =>
        {
            Assert.That(small.Content.Headers.ContentEncoding, Is.Empty);
            Assert.That(smallBody, Has.Length.EqualTo(100));
            Assert.That(json.Content.Headers.ContentEncoding, Is.Empty);
            Assert.That(jsonBody, Has.Length.EqualTo(5000));
        });
    }

    [Test]
    public async Task GrpcIsNeverCompressed()
    {
        Gateway.Use(Build.Middleware(Config()));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        using var call = client.UnaryAsync(new EchoRequest { Message = new string('x', 5000) },
            new Grpc.Core.Metadata { { "accept-encoding", "gzip" } });
        var reply = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Message, Has.Length.EqualTo(5000));
            Assert.That(headers.Get("content-encoding"), Is.Null);
        });
    }
}

[TestFixture]
[CancelAfter(30_000)]
public sealed class ContentTypeTests
{
    [Test]
    public async Task AutoDetectSetsAContentTypeOnlyWhenTheBackendSetNone()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gateway = await TestGateway.StartAsync(backend.Address);
        using var http = Clients.Http();

        gateway.Use(Build.Middleware(new ContentTypeConfig(AutoDetect: true)));
        using var html = await http.GetAsync(new Uri(gateway.Http1Address, "/?raw=" + Uri.EscapeDataString("<html><body>hi</body></html>")));
        using var text = await http.GetAsync(new Uri(gateway.Http1Address, "/?raw=plain"));
        using var typed = await http.GetAsync(new Uri(gateway.Http1Address, "/?size=10&type=application/json"));
        gateway.Use(Build.Middleware(new ContentTypeConfig(AutoDetect: false)));
        using var off = await http.GetAsync(new Uri(gateway.Http1Address, "/?raw=plain"));

        Assert.Multiple(() =>
        {
            Assert.That(html.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(text.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(typed.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(off.Content.Headers.ContentType, Is.Null);
        });
    }
}
