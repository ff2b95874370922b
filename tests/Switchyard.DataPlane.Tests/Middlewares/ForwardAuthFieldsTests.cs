using System.Net;
using System.Net.Http;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.AccessLog;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// forwardAuth's preserveRequestMethod, authSigninURL, maxResponseBodySize and headerField against a real auth server
/// (Traefik pkg/middlewares/auth/forward.go).
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ForwardAuthFieldsTests : ForwardAuthFixture
{
    private ForwardAuthConfig Config() => new(Auth.Address.ToString(), false, [], null, [], false, -1, false, null);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string verdict)
    {
        using var http = Clients.Http();
        using var request = new HttpRequestMessage(method, new Uri(Gateway.Http1Address, "/x"));
        request.Headers.Add("x-verdict", verdict);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("payload");
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Test]
    public async Task PreserveRequestMethodAsksTheAuthServerWithTheCallersMethod()
    {
        Gateway.Use(Build.Middleware(Config()));
        Auth.Requests.Clear();
        using (await SendAsync(HttpMethod.Post, "allow"))
        {
        }

        Gateway.Use(Build.Middleware(Config() with { PreserveRequestMethod = true }));
        using (await SendAsync(HttpMethod.Post, "allow"))
        {
        }

        Assert.That(Auth.Requests.Select(r => r.Method), Is.EqualTo(new[] { "GET", "POST" }), "GET by default, the caller's POST when preserved");
    }

    [Test]
    public async Task AuthSigninUrlRedirectsA401ToTheSignInPage()
    {
        Gateway.Use(Build.Middleware(Config() with { AuthSigninUrl = "https://login.example.com/signin" }));
        using var denied = await SendAsync(HttpMethod.Get, "deny");
        using var forbidden = await SendAsync(HttpMethod.Get, "forbid");
        var (channel, client) = Clients.Grpc(Gateway.H2cAddress);
        using var _ = channel;
        var grpc = (await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-verdict", "deny" } })))!;

        Assert.Multiple(() =>
        {
            Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(denied.Headers.Location, Is.EqualTo(new Uri("https://login.example.com/signin")));
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only a 401 is redirected");
            Assert.That(grpc.StatusCode, Is.EqualTo(StatusCode.Unauthenticated), "a gRPC caller cannot follow a redirect: it gets its status");
        });
    }

    [Test]
    public async Task MaxResponseBodySizeRefusesAnAuthAnswerThatIsTooLarge()
    {
        // The deny answer's body is "<html>please log in</html>" (26 bytes).
        Gateway.Use(Build.Middleware(Config() with { MaxResponseBodySize = 10 }));
        using var tooLarge = await SendAsync(HttpMethod.Get, "deny");
        Gateway.Use(Build.Middleware(Config() with { MaxResponseBodySize = 1000 }));
        using var within = await SendAsync(HttpMethod.Get, "deny");
        using var allowed = await SendAsync(HttpMethod.Get, "allow");

        Assert.Multiple(async () =>
        {
            Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await tooLarge.Content.ReadAsStringAsync(), Does.Not.Contain("please log in"), "Traefik answers 401 itself");
            Assert.That(within.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await within.Content.ReadAsStringAsync(), Is.EqualTo("<html>please log in</html>"));
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task HeaderFieldNamesTheUserOfTheAccessLogLine()
    {
        // The auth answer's X-User becomes the access log's ClientUsername (Traefik logData.Core[ClientUsername]).
        var middleware = Build.Middleware(Config() with { HeaderField = "X-User" });
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("app.example.com");
        context.Request.Path = "/x";
        context.Request.Headers["x-verdict"] = "allow";
        var entry = new AccessLogEntry();
        context.Features.Set(entry);
        var reached = false;
        await middleware.InvokeAsync(context, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });

        Assert.Multiple(() =>
        {
            Assert.That(reached, Is.True);
            Assert.That(entry.ClientUsername, Is.EqualTo("alice"));
        });
    }
}
