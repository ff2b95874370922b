using System.Collections.Immutable;
using System.Net;
using System.Net.Http;
using Grpc.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

[TestFixture]
[CancelAfter(30_000)]
public sealed class HeadersTests : EchoGatewayFixture
{
    private static ImmutableSortedDictionary<string, string> Dict(params (string Key, string Value)[] pairs) =>
        pairs.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    [Test]
    public async Task CustomRequestHeadersAreAddedRemovedAndHostIsRewritten()
    {
        Gateway.Use(Build.Middleware(new HeadersConfig
        {
            CustomRequestHeaders = Dict(("X-Added", "yes"), ("X-Remove-Me", ""), ("Host", "rewritten.example")),
        }));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        var reply = await client.UnaryAsync(new EchoRequest { Message = "h" }, new Metadata { { "x-remove-me", "secret" }, { "x-kept", "k" } });

        Assert.Multiple(() =>
        {
            Assert.That(reply.Headers["x-added"], Is.EqualTo("yes"));
            Assert.That(reply.Headers.ContainsKey("x-remove-me"), Is.False);
            Assert.That(reply.Headers["x-kept"], Is.EqualTo("k"));
            Assert.That(reply.Headers[":authority"], Is.EqualTo("rewritten.example"));
        });
    }

    [Test]
    public async Task CustomResponseHeadersReachTheClientAndEmptyValuesRemoveBackendHeaders()
    {
        Gateway.Use(Build.Middleware(new HeadersConfig
        {
            CustomResponseHeaders = Dict(("X-Gateway", "switchyard"), ("X-Backend", "")),
        }));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        using var call = client.UnaryAsync(new EchoRequest { Message = "h" });
        var headers = await call.ResponseHeadersAsync;
        await call.ResponseAsync;

        Assert.Multiple(() =>
        {
            Assert.That(headers.GetValue("x-gateway"), Is.EqualTo("switchyard"));
            Assert.That(headers.Get("x-backend"), Is.Null, "the backend sets x-backend; an empty value removes it");
        });
    }

    private static HeadersConfig Cors() => new()
    {
        AccessControlAllowOriginList = ["https://app.example"],
        AccessControlAllowOriginListRegex = [RegexPattern.Parse(@"^https://[a-z]+\.trusted\.example$")],
        AccessControlAllowMethods = ["GET", "POST"],
        AccessControlAllowHeaders = ["content-type", "x-tenant"],
        AccessControlExposeHeaders = ["x-backend"],
        AccessControlAllowCredentials = true,
        AccessControlMaxAge = 600,
        AddVaryHeader = true,
    };

    [Test]
    public async Task CorsPreflightIsAnsweredByTheGatewayWithoutReachingTheBackend()
    {
        Gateway.Use(Build.Middleware(Cors()));
        using var http = Clients.Http();
        var before = Requests.Count;

        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(Gateway.Http1Address, "/switchyard.test.Echo/Unary"));
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await http.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://app.example"));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").Single(), Is.EqualTo("GET,POST"));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single(), Is.EqualTo("content-type,x-tenant"));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Credentials").Single(), Is.EqualTo("true"));
            Assert.That(response.Headers.GetValues("Access-Control-Max-Age").Single(), Is.EqualTo("600"));
            Assert.That(Requests.Count, Is.EqualTo(before), "the preflight must not reach the backend");
        });
    }

    [TestCase("https://app.example", "https://app.example")]
    [TestCase("https://shop.trusted.example", "https://shop.trusted.example")]
    [TestCase("https://evil.example", null)]
    public async Task CorsResponseHeadersFollowTheOriginListAndRegexes(string origin, string? expected)
    {
        Gateway.Use(Build.Middleware(Cors()));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        using var call = client.UnaryAsync(new EchoRequest { Message = "c" }, new Metadata { { "origin", origin } });
        var headers = await call.ResponseHeadersAsync;
        await call.ResponseAsync;

        Assert.Multiple(() =>
        {
            Assert.That(headers.Get("access-control-allow-origin")?.Value, Is.EqualTo(expected));
            Assert.That(headers.GetValue("access-control-expose-headers"), Is.EqualTo("x-backend"));
            Assert.That(headers.GetValue("access-control-allow-credentials"), Is.EqualTo("true"));
            Assert.That(headers.GetValue("vary"), Is.EqualTo("Origin"));
        });
    }

    [Test]
    public async Task SecurityHeadersAreAddedAndStsOnlyOnSecureRequests()
    {
        Gateway.Use(Build.Middleware(new HeadersConfig
        {
            FrameDeny = true,
            ContentTypeNosniff = true,
            BrowserXssFilter = true,
            ContentSecurityPolicy = "default-src 'self'",
            ContentSecurityPolicyReportOnly = "script-src 'none'",
            ReferrerPolicy = "no-referrer",
            PermissionsPolicy = "camera=()",
            StsSeconds = 31536000,
            StsIncludeSubdomains = true,
            StsPreload = true,
            SslProxyHeaders = Dict(("X-Forwarded-Proto", "https")),
        }));
        using var http = Clients.Http();

        using var plain = await http.GetAsync(new Uri(Gateway.Http1Address, "/x"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/x"));
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var viaTls = await http.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(plain.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
            Assert.That(plain.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(plain.Headers.GetValues("X-XSS-Protection").Single(), Is.EqualTo("1; mode=block"));
            Assert.That(plain.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
            Assert.That(plain.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("script-src 'none'"));
            Assert.That(plain.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
            Assert.That(plain.Headers.GetValues("Permissions-Policy").Single(), Is.EqualTo("camera=()"));
            Assert.That(plain.Headers.Contains("Strict-Transport-Security"), Is.False, "no STS over plain HTTP");
            Assert.That(viaTls.Headers.GetValues("Strict-Transport-Security").Single(), Is.EqualTo("max-age=31536000; includeSubDomains; preload"));
        });
    }

    [Test]
    public async Task AllowedHostsRejectsOtherHostsWith400()
    {
        Gateway.Use(Build.Middleware(new HeadersConfig { AllowedHosts = ["good.example"] }));
        using var http = Clients.Http();
        var before = Requests.Count;

        using var bad = await http.GetAsync(new Uri(Gateway.Http1Address, "/x"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/x"));
        request.Headers.Host = "good.example";
        using var good = await http.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(good.StatusCode, Is.Not.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Requests.Count, Is.EqualTo(before + 1), "only the allowed host was forwarded");
        });
    }

    [Test]
    public async Task MiddlewaresRunInTheOrderListedOnTheRoute()
    {
        // Both set X-Order; the one listed later runs later on the request, so its value wins.
        var first = Build.Middleware(new HeadersConfig { CustomRequestHeaders = Dict(("X-Order", "first"), ("X-First", "1")) });
        var second = Build.Middleware(new HeadersConfig { CustomRequestHeaders = Dict(("X-Order", "second"), ("X-Second", "2")) });
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Gateway.Use(first, second);
        var forward = await client.UnaryAsync(new EchoRequest { Message = "o" });
        Gateway.Use(second, first);
        var reverse = await client.UnaryAsync(new EchoRequest { Message = "o" });

        Assert.Multiple(() =>
        {
            Assert.That(forward.Headers["x-order"], Is.EqualTo("second"));
            Assert.That(reverse.Headers["x-order"], Is.EqualTo("first"));
            Assert.That(forward.Headers["x-first"], Is.EqualTo("1"));
            Assert.That(forward.Headers["x-second"], Is.EqualTo("2"));
        });
    }
}
