using System.Net;
using System.Net.Http;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class PathAndRedirectTests : EchoGatewayFixture
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

    private async Task<Dictionary<string, string>> EchoAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(new Uri(Gateway.Http1Address, pathAndQuery));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), pathAndQuery);
        return HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AddPrefixPrependsThePrefix()
    {
        Gateway.Use(Build.Middleware(new AddPrefixConfig("/v1")));
        Assert.That((await EchoAsync("/users?id=7"))["path"], Is.EqualTo("/v1/users?id=7"));
    }

    [Test]
    public async Task StripPrefixRemovesTheFirstMatchingPrefixAndSetsXForwardedPrefix()
    {
        Gateway.Use(Build.Middleware(new StripPrefixConfig(["/api", "/other"], false)));

        var stripped = await EchoAsync("/api/users");
        var root = await EchoAsync("/api");
        var untouched = await EchoAsync("/elsewhere");

        Assert.Multiple(() =>
        {
            Assert.That(stripped["path"], Is.EqualTo("/users"));
            Assert.That(stripped["x-forwarded-prefix"], Is.EqualTo("/api"));
            Assert.That(root["path"], Is.EqualTo("/"));
            Assert.That(untouched["path"], Is.EqualTo("/elsewhere"));
            Assert.That(untouched.ContainsKey("x-forwarded-prefix"), Is.False);
        });
    }

    [Test]
    public async Task StripPrefixRegexRemovesTheMatchedPrefix()
    {
        Gateway.Use(Build.Middleware(new StripPrefixRegexConfig([RegexPattern.Parse("/v[0-9]+")])));
        var echo = await EchoAsync("/v12/users");
        Assert.Multiple(() =>
        {
            Assert.That(echo["path"], Is.EqualTo("/users"));
            Assert.That(echo["x-forwarded-prefix"], Is.EqualTo("/v12"));
        });
    }

    [Test]
    public async Task ReplacePathAndReplacePathRegexKeepTheOriginalInXReplacedPath()
    {
        Gateway.Use(Build.Middleware(new ReplacePathConfig("/fixed")));
        var replaced = await EchoAsync("/anything/here");

        Gateway.Use(Build.Middleware(new ReplacePathRegexConfig(RegexPattern.Parse("^/old/(.*)"), "/new/$1")));
        var regex = await EchoAsync("/old/thing");
        var noMatch = await EchoAsync("/current/thing");

        Assert.Multiple(() =>
        {
            Assert.That(replaced["path"], Is.EqualTo("/fixed"));
            Assert.That(replaced["x-replaced-path"], Is.EqualTo("/anything/here"));
            Assert.That(regex["path"], Is.EqualTo("/new/thing"));
            Assert.That(regex["x-replaced-path"], Is.EqualTo("/old/thing"));
            Assert.That(noMatch["path"], Is.EqualTo("/current/thing"));
            Assert.That(noMatch.ContainsKey("x-replaced-path"), Is.False);
        });
    }

    [Test]
    public async Task StripPrefixLetsGrpcCallsReachTheServiceUnderAPathPrefix()
    {
        Gateway.Use(Build.Middleware(new StripPrefixConfig(["/grpc"], false)));
        // Grpc.Net.Client ignores a path in the address; a handler puts the service under /grpc like a browser app would.
        var channel = Grpc.Net.Client.GrpcChannel.ForAddress(Gateway.H2cAddress, new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new PrefixHandler("/grpc") { InnerHandler = new SocketsHttpHandler() },
        });
        using var _ = channel;
        var client = new Switchyard.TestKit.Grpc.Echo.EchoClient(channel);

        var reply = await client.UnaryAsync(new Switchyard.TestKit.Grpc.EchoRequest { Message = "prefixed" });

        Assert.Multiple(() =>
        {
            Assert.That(reply.Headers[":path"], Is.EqualTo("/switchyard.test.Echo/Unary"));
            Assert.That(reply.Headers["x-forwarded-prefix"], Is.EqualTo("/grpc"));
        });
    }

    [Test]
    public async Task RedirectSchemeRedirectsToTheTargetSchemeAndPort()
    {
        Gateway.Use(Build.Middleware(new RedirectSchemeConfig("https", "8443", Permanent: true)));
        var before = Requests.Count;

        using var get = await _http.GetAsync(new Uri(Gateway.Http1Address, "/x?q=1"));
        using var post = await _http.PostAsync(new Uri(Gateway.Http1Address, "/x"), new StringContent("b"));

        Gateway.Use(Build.Middleware(new RedirectSchemeConfig("https", "443", Permanent: false)));
        using var defaultPort = await _http.GetAsync(new Uri(Gateway.Http1Address, "/y"));

        Assert.Multiple(() =>
        {
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
            Assert.That(get.Headers.Location!.ToString(), Is.EqualTo("https://127.0.0.1:8443/x?q=1"));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.PermanentRedirect));
            Assert.That(defaultPort.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(defaultPort.Headers.Location!.ToString(), Is.EqualTo("https://127.0.0.1/y"));
            Assert.That(Requests.Count, Is.EqualTo(before), "redirects are answered by the gateway");
        });
    }

    [Test]
    public async Task RedirectRegexRewritesTheWholeUrl()
    {
        Gateway.Use(Build.Middleware(new RedirectRegexConfig(RegexPattern.Parse("^http://([^/]+)/old/(.*)"), "http://$1/new/$2", Permanent: false)));

        using var matched = await _http.GetAsync(new Uri(Gateway.Http1Address, "/old/page?x=1"));
        using var other = await _http.GetAsync(new Uri(Gateway.Http1Address, "/current"));

        Assert.Multiple(() =>
        {
            Assert.That(matched.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(matched.Headers.Location!.ToString(), Is.EqualTo($"http://127.0.0.1:{Gateway.Http1Address.Port}/new/page?x=1"));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no match: forwarded");
        });
    }

    [Test]
    public async Task EncodedCharactersRefusesEncodedPathCharactersUnlessAllowed()
    {
        var allowSlash = System.Collections.Immutable.ImmutableSortedDictionary<string, bool>.Empty.Add("allowEncodedSlash", true);
        Gateway.Use(Build.Middleware(new EncodedCharactersConfig(allowSlash)));
        var before = Requests.Count;

        using var slash = await _http.GetAsync(new Uri(Gateway.Http1Address, "/a%2Fb"));
        using var backslash = await _http.GetAsync(new Uri(Gateway.Http1Address, "/a%5cb"));
        using var plain = await _http.GetAsync(new Uri(Gateway.Http1Address, "/a/b?q=%2F%5C"));

        Assert.Multiple(() =>
        {
            Assert.That(slash.StatusCode, Is.EqualTo(HttpStatusCode.OK), "allowEncodedSlash");
            Assert.That(backslash.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the query is not the path");
            Assert.That(Requests.Count, Is.EqualTo(before + 2), "only the allowed and the plain request were forwarded");
        });
    }

    private sealed class PrefixHandler(string prefix) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(request.RequestUri!, prefix + request.RequestUri!.AbsolutePath);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
