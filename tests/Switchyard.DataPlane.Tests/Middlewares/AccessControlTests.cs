using System.Collections.Immutable;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Switchyard.DataPlane.Middlewares.BasicAuth;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>ipAllowList, basicAuth and inFlightReq through the wire.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class AccessControlTests : EchoGatewayFixture
{
    private static async Task<StatusCode> CallAsync(Echo.EchoClient client, Metadata? headers = null, int delayMs = 0)
    {
        try
        {
            await client.UnaryAsync(new EchoRequest { Message = "m", DelayMs = delayMs }, headers);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    [Test]
    public async Task IpAllowListLetsListedClientsThroughAndDeniesOthersWithPermissionDenied()
    {
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Gateway.Use(Build.Middleware(new IpAllowListConfig([IPNetwork.Parse("127.0.0.0/8")], null, 403)));
        var allowed = await CallAsync(client);
        Gateway.Use(Build.Middleware(new IpAllowListConfig([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.168.1.7/32")], null, 403)));
        var before = Backend.Calls;
        var denied = await CallAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.EqualTo(StatusCode.OK));
            Assert.That(denied, Is.EqualTo(StatusCode.PermissionDenied));
            Assert.That(Backend.Calls, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task IpAllowListUsesTheIpStrategyAndTheRejectStatusCodeForHttp()
    {
        var strategy = new IpStrategyConfig(0, [IPNetwork.Parse("127.0.0.1/32")], null); // skip our own hop, take the client before it
        Gateway.Use(Build.Middleware(new IpAllowListConfig([IPNetwork.Parse("10.0.0.0/8")], strategy, 404)));
        using var http = Clients.Http();

        async Task<HttpStatusCode> Get(string xff)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/x"));
            request.Headers.Add("X-Forwarded-For", xff);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Get("10.1.2.3, 127.0.0.1"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await Get("8.8.8.8, 127.0.0.1"), Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static BasicAuthConfig Users(bool removeHeader) => new(
        TestUsers.Basic(
            "bob:" + BCrypt.Net.BCrypt.HashPassword("s3cret", BCrypt.Net.BCrypt.GenerateSalt(4, 'y')),
            "ann:$apr1$abcdefgh$M2T3erDstkD7SsE2QQnfH0", // openssl passwd -apr1 -salt abcdefgh s3cret
            "md5:$1$xyz$LR4giuEdCJh9gZXQkz20T/",          // openssl passwd -1 -salt xyz s3cret
            "sha:{SHA}" + Convert.ToBase64String(SHA1.HashData("s3cret"u8))),
        "gateway", removeHeader, "X-User");

    [TestCase("bob")]
    [TestCase("ann")]
    [TestCase("md5")]
    [TestCase("sha")]
    public async Task BasicAuthAcceptsEachHashFormat(string user)
    {
        Gateway.Use(Build.Middleware(Users(removeHeader: true)));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        var reply = await client.UnaryAsync(new EchoRequest { Message = "a" }, new Metadata { { "authorization", Basic(user, "s3cret") } });
        var wrong = await CallAsync(client, new Metadata { { "authorization", Basic(user, "wrong") } });

        Assert.Multiple(() =>
        {
            Assert.That(reply.Headers["x-user"], Is.EqualTo(user));
            Assert.That(reply.Headers.ContainsKey("authorization"), Is.False, "removeHeader");
            Assert.That(wrong, Is.EqualTo(StatusCode.Unauthenticated));
        });
    }

    [Test]
    public async Task BasicAuthChallengesHttpCallersWith401()
    {
        Gateway.Use(Build.Middleware(Users(removeHeader: false)));
        using var http = Clients.Http();

        using var anonymous = await http.GetAsync(new Uri(Gateway.Http1Address, "/x"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/x"));
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic("ann", "s3cret"));
        using var authorized = await http.SendAsync(request);
        var echo = HttpEchoBackend.Parse(await authorized.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Basic realm=\"gateway\""));
            Assert.That(authorized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(echo["x-user"], Is.EqualTo("ann"));
            Assert.That(echo.ContainsKey("authorization"), Is.True, "kept without removeHeader");
        });
    }

    [Test]
    public void Md5CryptMatchesOpenSsl() =>
        Assert.That(HtpasswdVerifier.Md5Crypt("s3cret", "abcdefgh", "$apr1$"), Is.EqualTo("$apr1$abcdefgh$M2T3erDstkD7SsE2QQnfH0"));

    [Test]
    public async Task InFlightReqLimitsConcurrentCallsPerSource()
    {
        Gateway.Use(Build.Middleware(new InFlightReqConfig(2, new SourceCriterionConfig(null, "x-tenant", false))));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        var tenant = new Metadata { { "x-tenant", "a" } };

        var before = Backend.Calls;
        var slow1 = CallAsync(client, tenant, delayMs: 1500);
        var slow2 = CallAsync(client, tenant, delayMs: 1500);
        await Wait.UntilAsync(() => Backend.Calls - before >= 2, TimeSpan.FromSeconds(10), "two slow calls in flight");

        var third = await CallAsync(client, tenant);
        var otherTenant = await CallAsync(client, new Metadata { { "x-tenant", "b" } });
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(third, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(otherTenant, Is.EqualTo(StatusCode.OK));
            Assert.That(await slow1, Is.EqualTo(StatusCode.OK));
            Assert.That(await slow2, Is.EqualTo(StatusCode.OK));
        });

        Assert.That(await CallAsync(client, tenant), Is.EqualTo(StatusCode.OK), "slots are released when calls end");
    }
}
