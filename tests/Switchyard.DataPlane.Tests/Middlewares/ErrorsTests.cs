using System.Collections.Immutable;
using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>errors through the whole data plane: the page comes from another service of the table; gRPC is left alone.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ErrorsTests
{
    private GrpcTestBackend _app = null!;
    private GrpcTestBackend _pages = null!;
    private Gateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _app = await GrpcTestBackend.StartAsync("app", HttpEchoBackend.Options());
        _pages = await GrpcTestBackend.StartAsync("pages", HttpEchoBackend.Options());
        _gateway = await Gateway.StartAsync();
        var errors = new ErrorsConfig(["500-599", "404"], "pages", "/errors/{status}?from={originalStatus}",
            ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal).Add("502-504", 500));
        var result = _gateway.Host.Tables.Swap(TestTables.Table(
            [TestTables.Router("r", "app", middlewares: ["default-errors"])],
            new Dictionary<string, ServiceConfig> { ["app"] = TestTables.Lb("h2c", [_app.Address]), ["pages"] = TestTables.Lb("h2c", [_pages.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-errors"] = errors }));
        Assert.That(result.Diagnostics, Is.Empty);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _pages.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var http = Clients.Http();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_gateway.Web.Port}{pathAndQuery}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AListedStatusIsAnsweredWithThePageOfTheErrorService()
    {
        var notFound = await GetAsync("/x?status=404");
        var unavailable = await GetAsync("/x?status=503");
        var teapot = await GetAsync("/x?status=418");
        var ok = await GetAsync("/plain");

        Assert.Multiple(() =>
        {
            Assert.That(notFound.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(notFound.Body, Does.StartWith("path=/errors/404?from=404"), "the page service got the query");
            Assert.That(unavailable.Status, Is.EqualTo(HttpStatusCode.InternalServerError), "statusRewrites 502-504 → 500");
            Assert.That(unavailable.Body, Does.StartWith("path=/errors/500?from=503"));
            Assert.That(teapot.Status, Is.EqualTo((HttpStatusCode)418));
            Assert.That(teapot.Body, Is.EqualTo("backend said 418"), "other statuses pass untouched");
            Assert.That(ok.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ok.Body, Does.StartWith("path=/plain"));
        });
    }

    [Test]
    public async Task ErrorRequestHeadersSendOnlyTheListedHeadersToThePage()
    {
        await using var gateway = await Gateway.StartAsync();
        var errors = new ErrorsConfig(["500-599"], "pages", "/errors/{status}", ImmutableSortedDictionary<string, int>.Empty)
        {
            ErrorRequestHeaders = ["X-User"],
        };
        var result = gateway.Host.Tables.Swap(TestTables.Table(
            [TestTables.Router("r", "app", middlewares: ["default-errors"])],
            new Dictionary<string, ServiceConfig> { ["app"] = TestTables.Lb("h2c", [_app.Address]), ["pages"] = TestTables.Lb("h2c", [_pages.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-errors"] = errors }));
        Assert.That(result.Diagnostics, Is.Empty);

        async Task<Dictionary<string, string>> PageAsync(int port)
        {
            using var http = Clients.Http();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/x?status=503"));
            request.Headers.Add("X-User", "alice");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer t");
            using var response = await http.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.GreaterThanOrEqualTo(500), "the page answers with the caught status (or its rewrite)");
            return HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());
        }

        var listed = await PageAsync(gateway.Web.Port);
        var all = await PageAsync(_gateway.Web.Port);
        Assert.Multiple(() =>
        {
            Assert.That(listed["x-user"], Is.EqualTo("alice"));
            Assert.That(listed.ContainsKey("authorization"), Is.False, "only errorRequestHeaders go to the page service");
            Assert.That(all["authorization"], Is.EqualTo("Bearer t"), "without errorRequestHeaders every header goes");
        });
    }

    [Test]
    public async Task GrpcCallsKeepTheirGrpcStatus()
    {
        var client = _gateway.Client();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.Internal, FailMessage = "boom" }));
        var reply = await client.UnaryAsync(new EchoRequest { Message = "fine" });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Internal));
            Assert.That(ex.Status.Detail, Is.EqualTo("boom"));
            Assert.That(reply.Message, Is.EqualTo("fine"));
        });
    }

    [Test]
    public void AMissingPageServiceDisablesOnlyTheRoutersUsingIt()
    {
        var errors = new ErrorsConfig(["500-599"], "nope", "/", ImmutableSortedDictionary<string, int>.Empty);
        var state = new TestSwapState();
        var context = new Switchyard.DataPlane.Middlewares.MiddlewareBuildContext(
            new ServiceCollection().BuildServiceProvider(), state, RoutingTable.Empty)
        {
            ServiceHandlers = new Dictionary<string, Switchyard.DataPlane.Services.IServiceHandler>(),
        };
        var ok = Switchyard.DataPlane.Middlewares.MiddlewareRegistry.TryCreate("default-errors", errors, context, out _, out var error);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Does.Contain("nope"));
        });
    }
}
