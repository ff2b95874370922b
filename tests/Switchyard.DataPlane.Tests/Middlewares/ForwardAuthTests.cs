using System.Collections.Immutable;
using System.Net;
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client.Web;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>forwardAuth through the wire: a real auth server, a real backend, real gRPC and HTTP callers.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ForwardAuthTests : ForwardAuthFixture
{
    private ForwardAuthConfig Config(Uri? address = null) =>
        new((address ?? Auth.Address).ToString(), false, ["X-User"], RegexPattern.Parse("^X-Auth-"), [], false, -1, false, null);

    private static async Task<StatusCode> CallAsync(Echo.EchoClient client, string verdict)
    {
        try
        {
            await client.UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-verdict", verdict } });
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    [Test]
    public async Task AnAllowedGrpcCallReachesTheBackendWithTheAuthServersHeaders()
    {
        Gateway.Use(Build.Middleware(Config()));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        Auth.Requests.Clear();

        var reply = await client.UnaryAsync(new EchoRequest { Message = "hello" },
            new Metadata { { "x-verdict", "allow" }, { "x-auth-spoof", "evil" }, { "x-user", "mallory" } });

        Assert.That(Auth.Requests.TryDequeue(out var seen), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Message, Is.EqualTo("hello"));
            Assert.That(reply.Headers["x-user"], Is.EqualTo("alice"), "authResponseHeaders replace the caller's value");
            Assert.That(reply.Headers["x-auth-role"], Is.EqualTo("admin"));
            Assert.That(reply.Headers["x-auth-extra"], Is.EqualTo("extra"));
            Assert.That(reply.Headers.ContainsKey("x-auth-spoof"), Is.False, "request headers matching the regex are dropped");
            Assert.That(reply.Headers.ContainsKey("x-not-copied"), Is.False);

            Assert.That(seen.Method, Is.EqualTo("GET"));
            Assert.That(seen.Body, Is.Empty, "no body without forwardBody");
            Assert.That(seen.Headers["x-verdict"], Is.EqualTo("allow"), "the caller's headers go to the auth server");
            Assert.That(seen.Headers["x-forwarded-method"], Is.EqualTo("POST"));
            Assert.That(seen.Headers["x-forwarded-proto"], Is.EqualTo("http"));
            Assert.That(seen.Headers["x-forwarded-host"], Is.EqualTo(Gateway.H2cAddress.Authority));
            Assert.That(seen.Headers["x-forwarded-uri"], Is.EqualTo("/switchyard.test.Echo/Unary"));
            Assert.That(seen.Headers["x-forwarded-for"], Is.EqualTo("127.0.0.1"));
            Assert.That(seen.Headers.ContainsKey("te"), Is.False, "hop-by-hop headers stay behind");
        });
    }

    [Test]
    public async Task DeniedGrpcCallsGetAGrpcStatusAndNeverReachTheBackend()
    {
        Gateway.Use(Build.Middleware(Config()));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        var before = Backend.Calls;

        var deny = await CallAsync(client, "deny");
        var forbid = await CallAsync(client, "forbid");
        var fail = await CallAsync(client, "fail");
        var teapot = await CallAsync(client, "teapot");
        var redirect = await CallAsync(client, "redirect");

        Assert.Multiple(() =>
        {
            Assert.That(deny, Is.EqualTo(StatusCode.Unauthenticated));
            Assert.That(forbid, Is.EqualTo(StatusCode.PermissionDenied));
            Assert.That(fail, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(teapot, Is.EqualTo(StatusCode.Internal));
            Assert.That(redirect, Is.EqualTo(StatusCode.Internal), "a gRPC client cannot follow a login redirect");
            Assert.That(Backend.Calls, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task AnUnreachableAuthServerIsUnavailableForGrpcAnd500ForHttp()
    {
        // A port that was just free: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Gateway.Use(Build.Middleware(Config(new Uri($"http://127.0.0.1:{port}/auth"))));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        using var http = Clients.Http();

        var grpc = await CallAsync(client, "allow");
        using var response = await http.GetAsync(new Uri(Gateway.Http1Address, "/x"));

        Assert.Multiple(() =>
        {
            Assert.That(grpc, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        });
    }

    [Test]
    public async Task AGrpcWebCallerGetsTheStatusInATrailerFrame()
    {
        Gateway.Use(Build.Middleware(Config()));
        var (channel, client) = Clients.GrpcWeb(Gateway.Http1Address, GrpcWebMode.GrpcWeb, HttpVersion.Version11);
        using var _ = channel;

        Assert.That(await CallAsync(client, "deny"), Is.EqualTo(StatusCode.Unauthenticated));
    }

    [Test]
    public async Task AnHttpCallerGetsTheAuthServersAnswerAsIs()
    {
        Gateway.Use(Build.Middleware(Config()));
        using var http = Clients.Http();

        using var denied = await SendAsync(http, "deny");
        var body = await denied.Content.ReadAsStringAsync();
        using var redirect = await SendAsync(http, "redirect");

        Assert.Multiple(() =>
        {
            Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(denied.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer realm=\"test\""));
            Assert.That(denied.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(body, Is.EqualTo("<html>please log in</html>"));
            Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(redirect.Headers.Location, Is.EqualTo(new Uri(Auth.Address, "/login?from=x")), "relative Location resolved against the auth server");
        });

        Gateway.Use(Build.Middleware(Config() with { PreserveLocationHeader = true }));
        using var preserved = await SendAsync(http, "redirect");
        Assert.That(preserved.Headers.Location?.OriginalString, Is.EqualTo("/login?from=x"));
    }

    [Test]
    public async Task AuthRequestHeadersTrustForwardHeaderAndAuthCookies()
    {
        Gateway.Use(Build.Middleware(Config() with
        {
            AuthRequestHeaders = ["X-Verdict"],
            TrustForwardHeader = true,
            AddAuthCookiesToResponse = ["session"],
        }));
        using var http = Clients.Http();
        Auth.Requests.Clear();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/app/page?q=1"));
        request.Headers.Add("x-verdict", "allow");
        request.Headers.Add("x-secret", "not for the auth server");
        request.Headers.Add("X-Forwarded-For", "10.1.2.3");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);
        var echoed = HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(Auth.Requests.TryDequeue(out var seen), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(echoed["x-user"], Is.EqualTo("alice"));
            Assert.That(response.Headers.GetValues("Set-Cookie"), Is.EqualTo(new[] { "session=abc; Path=/" }));
            Assert.That(seen.Headers.ContainsKey("x-secret"), Is.False, "only authRequestHeaders are sent");
            Assert.That(seen.Headers["x-verdict"], Is.EqualTo("allow"));
            Assert.That(seen.Headers["x-forwarded-for"], Is.EqualTo("10.1.2.3, 127.0.0.1"));
            Assert.That(seen.Headers["x-forwarded-proto"], Is.EqualTo("https"), "trusted");
            Assert.That(seen.Headers["x-forwarded-uri"], Is.EqualTo("/app/page?q=1"));
        });

        Gateway.Use(Build.Middleware(Config()));
        using var untrusted = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/y"));
        untrusted.Headers.Add("x-verdict", "allow");
        untrusted.Headers.Add("X-Forwarded-Proto", "https");
        untrusted.Headers.Add("X-Forwarded-For", "10.1.2.3");
        using var second = await http.SendAsync(untrusted);
        Assert.That(Auth.Requests.TryDequeue(out var plain), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(second.Headers.Contains("Set-Cookie"), Is.False, "no addAuthCookiesToResponse, no cookies");
            Assert.That(plain.Headers["x-forwarded-proto"], Is.EqualTo("http"));
            Assert.That(plain.Headers["x-forwarded-for"], Is.EqualTo("127.0.0.1"));
        });
    }

    [Test]
    public async Task ForwardBodySendsTheBodyToTheAuthServerAndStillToTheBackend()
    {
        Gateway.Use(Build.Middleware(Config() with { ForwardBody = true, MaxBodySize = 4096 }));
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        Auth.Requests.Clear();

        var reply = await client.UnaryAsync(new EchoRequest { Message = "body-check" }, new Metadata { { "x-verdict", "allow" } });
        Assert.That(Auth.Requests.TryDequeue(out var seen), Is.True);
        var before = Auth.Requests.Count;
        var tooLarge = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { Message = new string('x', 5000) }, new Metadata { { "x-verdict", "allow" } }));

        Assert.Multiple(() =>
        {
            Assert.That(reply.Message, Is.EqualTo("body-check"), "the backend still gets the whole body");
            Assert.That(seen.Body, Does.Contain("body-check"));
            Assert.That(tooLarge!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated), "Traefik answers 401 over maxBodySize");
            Assert.That(Auth.Requests.Count, Is.EqualTo(before), "the auth server is not asked");
        });
    }

    [Test]
    public async Task TlsToTheAuthServerUsesTheTransportsCaAndClientCertificate()
    {
        using var ca = TestCertificates.CreateCa();
        using var serverCert = TestCertificates.IssueServer(ca, "auth.test");
        using var clientCert = TestCertificates.IssueClient(ca, "switchyard");
        await using var auth = await AuthServer.StartAsync(serverCert, ca);
        var transport = ServersTransportConfig.Default with
        {
            RootCas = [PemCertificate.Parse("ca", TestCertificates.CertificatePem(ca))],
            ClientCertificates = [PemCertificate.Parse("client", TestCertificates.CertificatePem(clientCert), TestCertificates.PrivateKeyPem(clientCert))],
        };
        var table = RoutingTable.Empty with { ServersTransports = RoutingTable.Empty.ServersTransports.Add("default-auth-forwardauth", transport) };
        var context = new MiddlewareBuildContext(new ServiceCollection().BuildServiceProvider(), new TestSwapState(), table);
        var config = Config(auth.Address) with { ServersTransport = "default-auth-forwardauth" };
        Assert.That(MiddlewareRegistry.TryCreate("default-auth", config, context, out var middleware, out var error), Is.True, error);
        Gateway.Use(middleware!);
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Assert.That(await CallAsync(client, "allow"), Is.EqualTo(StatusCode.OK));

        // Without the CA the auth server's certificate is not trusted: the call cannot be authorised.
        var untrusted = Build.Middleware(Config(auth.Address));
        Gateway.Use(untrusted);
        Assert.That(await CallAsync(client, "allow"), Is.EqualTo(StatusCode.Unavailable));
    }

    [Test]
    public async Task TheAuthServersConnectionPoolSurvivesATableSwap()
    {
        await using var auth = await AuthServer.StartAsync();
        var state = new TestSwapState();
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;

        Gateway.Use(Build.Middleware(Config(auth.Address), state));
        Assert.That(await CallAsync(client, "allow"), Is.EqualTo(StatusCode.OK));
        Gateway.Use(Build.Middleware(Config(auth.Address), state)); // a swap with the same config: same pool
        Assert.That(await CallAsync(client, "allow"), Is.EqualTo(StatusCode.OK));
        var pooled = auth.Connections;
        Gateway.Use(Build.Middleware(Config(auth.Address), new TestSwapState())); // fresh state: a new pool
        Assert.That(await CallAsync(client, "allow"), Is.EqualTo(StatusCode.OK));

        Assert.Multiple(() =>
        {
            Assert.That(pooled, Is.EqualTo(1), "both tables used one kept-alive connection");
            Assert.That(auth.Connections, Is.EqualTo(2));
        });
    }

    [Test]
    public void AMissingTransportIsReportedOnTheMiddleware()
    {
        // (A bad authResponseHeadersRegex cannot reach the data plane: the compiler compiles it into the table.)
        var context = new MiddlewareBuildContext(new ServiceCollection().BuildServiceProvider(), new TestSwapState(), RoutingTable.Empty);
        var missing = MiddlewareRegistry.TryCreate("default-a", Config() with { ServersTransport = "nope" }, context, out _, out var missingError);
        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.False);
            Assert.That(missingError, Does.Contain("nope"));
        });
    }

    private Task<HttpResponseMessage> SendAsync(HttpClient http, string verdict)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.Http1Address, "/x"));
        request.Headers.Add("x-verdict", verdict);
        return http.SendAsync(request);
    }
}
