using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>digestAuth through the wire: challenge, RFC 7616 answers computed here, replays, stale nonces, gRPC.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed partial class DigestAuthTests : EchoGatewayFixture
{
    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    private static readonly DigestAuthConfig Config = new(
        TestUsers.Digest("traefik", $"alice:traefik:{Md5("alice:traefik:secret")}", $"bob:other-realm:{Md5("bob:other-realm:pw")}"), "traefik",
        RemoveHeader: true, HeaderField: "x-user");

    private static string Authorization(string user, string password, string method, string uri, string nonce, int nc, string realm = "traefik")
    {
        var ha1 = Md5($"{user}:{realm}:{password}");
        var ha2 = Md5($"{method}:{uri}");
        var count = nc.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        const string cnonce = "0a4f113b";
        var response = Md5($"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}");
        return $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", qop=auth, nc={count}, cnonce=\"{cnonce}\", response=\"{response}\", algorithm=MD5";
    }

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NonceRegex();

    private async Task<(HttpStatusCode Status, string Challenge, string Body)> GetAsync(HttpClient http, string path, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, path));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AChallengeAnsweredCorrectlyLetsTheRequestThroughOnceWithTheUserName()
    {
        Gateway.Use(Build.Middleware(Config));
        using var http = Clients.Http();

        var challenge = await GetAsync(http, "/x?a=1");
        var nonce = NonceRegex().Match(challenge.Challenge).Groups[1].Value;
        var ok = await GetAsync(http, "/x?a=1", Authorization("alice", "secret", "GET", "/x?a=1", nonce, 1));
        var replay = await GetAsync(http, "/x?a=1", Authorization("alice", "secret", "GET", "/x?a=1", nonce, 1));
        var next = await GetAsync(http, "/x?a=1", Authorization("alice", "secret", "GET", "/x?a=1", nonce, 2));
        var wrongPassword = await GetAsync(http, "/x?a=1", Authorization("alice", "nope", "GET", "/x?a=1", nonce, 3));
        var otherUri = await GetAsync(http, "/y", Authorization("alice", "secret", "GET", "/x?a=1", nonce, 4));
        var otherRealmUser = await GetAsync(http, "/x", Authorization("bob", "pw", "GET", "/x", nonce, 5, realm: "other-realm"));
        var forged = await GetAsync(http, "/x", Authorization("alice", "secret", "GET", "/x", "123.abc", 1));

        var echoed = HttpEchoBackend.Parse(ok.Body);
        Assert.Multiple(() =>
        {
            Assert.That(challenge.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(challenge.Challenge, Does.StartWith("Digest realm=\"traefik\"").And.Contain("qop=\"auth\"").And.Contain("opaque="));
            Assert.That(ok.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(echoed["x-user"], Is.EqualTo("alice"));
            Assert.That(echoed.ContainsKey("authorization"), Is.False, "removeHeader");
            Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "a nonce count is accepted once");
            Assert.That(next.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrongPassword.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(otherUri.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "the digest covers the request target");
            Assert.That(otherRealmUser.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "only the configured realm's users");
            Assert.That(forged.Status, Is.EqualTo(HttpStatusCode.Unauthorized), "nonces are ours only");
        });
    }

    [Test]
    public async Task GrpcCallersGetUnauthenticatedAndCanUseADigestToo()
    {
        Gateway.Use(Build.Middleware(Config));
        using var http = Clients.Http();
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { Message = "m" }));
        var nonce = NonceRegex().Match((await GetAsync(http, "/")).Challenge).Groups[1].Value;
        var reply = await client.UnaryAsync(new EchoRequest { Message = "m" },
            new Metadata { { "authorization", Authorization("alice", "secret", "POST", "/switchyard.test.Echo/Unary", nonce, 1) } });

        Assert.Multiple(() =>
        {
            Assert.That(denied!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
            Assert.That(reply.Headers["x-user"], Is.EqualTo("alice"));
        });
    }

    [Test]
    public async Task AnExpiredNonceIsAnsweredWithAStaleChallenge()
    {
        var clock = new Clock();
        var context = new MiddlewareBuildContext(new ServiceCollection().AddSingleton<TimeProvider>(clock).BuildServiceProvider(), new TestSwapState(), RoutingTable.Empty);
        Assert.That(MiddlewareRegistry.TryCreate("default-digest", Config, context, out var middleware, out var error), Is.True, error);
        Gateway.Use(middleware!);
        using var http = Clients.Http();

        var nonce = NonceRegex().Match((await GetAsync(http, "/")).Challenge).Groups[1].Value;
        clock.Now += TimeSpan.FromMinutes(6);
        var stale = await GetAsync(http, "/", Authorization("alice", "secret", "GET", "/", nonce, 1));

        Assert.Multiple(() =>
        {
            Assert.That(stale.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(stale.Challenge, Does.Contain("stale=true"));
        });
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
