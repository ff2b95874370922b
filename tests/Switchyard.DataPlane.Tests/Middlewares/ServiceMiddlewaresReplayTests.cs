using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// A call sent again (the router's retry, a failover's errors) after a first service with middlewares of its own
/// answered: the second service sees the request as it came and the caller gets only the second service's response
/// headers, as Traefik's per-attempt request clone gives.
/// </summary>
[CancelAfter(60_000)]
public class ServiceMiddlewaresReplayTests
{
    private const string Middlewares = """
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: shape-a, namespace: default}
        spec:
          chain:
            middlewares: [{name: strip-v2}, {name: tag-a}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: strip-v2, namespace: default}
        spec:
          stripPrefix: {prefixes: [/v2]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: tag-a, namespace: default}
        spec:
          headers:
            customRequestHeaders: {X-User: from-a}
            customResponseHeaders: {X-Child: a}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: tag-b, namespace: default}
        spec:
          headers:
            customResponseHeaders: {X-Child: b}
        ---

        """;

    [Test]
    public async Task ARetriedCallThatMovesToAnotherWeightedChild_CarriesNothingOfTheFirstChildsMiddlewares()
    {
        var busy = new RequestCounter();
        await using var a = await GrpcTestBackend.StartAsync("a", AlwaysUnavailable(busy));
        await using var b = await GrpcTestBackend.StartAsync("b", ServiceMiddlewaresTests.Tagged("b"));
        await using var gw = await ServiceMiddlewaresTests.ServeAsync(
            ServiceMiddlewaresTests.Backends(("svc-a", a.Port, "http"), ("svc-b", b.Port, "http")) + Middlewares + """
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: again, namespace: default}
            spec:
              retry: {attempts: 2, status: ["503"]}
            ---
            """ + ServiceMiddlewaresTests.AppRoutes("""
            - kind: Rule
              match: PathPrefix(`/`)
              middlewares: [{name: again}]
              services: [{name: split, kind: TraefikService}]
            """) + ServiceMiddlewaresTests.Split("shape-a", "tag-b"), "retry.yaml");
        using var http = new HttpClient();

        for (var i = 0; i < 4; i++)
        {
            await AssertAnsweredByBAsync(http, gw);
        }

        Assert.That(busy.Count, Is.EqualTo(4), "each call went to child a first (equal weights: a, b, a, b, ...) and was retried on b");
    }

    [Test]
    public async Task AFailoverFallback_GetsTheRequestAsItCame_NotAsMainsMiddlewaresLeftIt()
    {
        var busy = new RequestCounter();
        await using var a = await GrpcTestBackend.StartAsync("a", AlwaysUnavailable(busy));
        await using var b = await GrpcTestBackend.StartAsync("b", ServiceMiddlewaresTests.Tagged("b"));
        await using var gw = await ServiceMiddlewaresTests.ServeAsync(
            ServiceMiddlewaresTests.Backends(("svc-a", a.Port, "http"), ("svc-b", b.Port, "http")) + Middlewares + ServiceMiddlewaresTests.AppRoutes("""
            - kind: Rule
              match: PathPrefix(`/`)
              services: [{name: main-or-b, kind: TraefikService}]
            """) + """
            ---
            apiVersion: traefik.io/v1alpha1
            kind: TraefikService
            metadata: {name: main-or-b, namespace: default}
            spec:
              failover:
                service: {name: svc-a, port: http, scheme: h2c, middlewares: [{name: shape-a}]}
                fallback: {name: svc-b, port: http, scheme: h2c, middlewares: [{name: tag-b}]}
                errors: {status: ["503"]}
            """, "failover.yaml");
        using var http = new HttpClient();

        await AssertAnsweredByBAsync(http, gw);
        Assert.That(busy.Count, Is.EqualTo(1), "main answered 503 first");
    }

    private static async Task AssertAnsweredByBAsync(HttpClient http, Gateway gw)
    {
        using var response = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/v2/x");
        var body = HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("X-Backend"), Is.EqualTo(new[] { "b" }));
            Assert.That(response.Headers.GetValues("X-Child"), Is.EqualTo(new[] { "b" }), "only b's response headers");
            Assert.That(body["path"], Is.EqualTo("/v2/x"), "a's stripPrefix does not carry over");
            Assert.That(body.ContainsKey("x-forwarded-prefix"), Is.False, "nor its X-Forwarded-Prefix");
            Assert.That(body.ContainsKey("x-user"), Is.False, "nor a's request headers");
        });
    }

    /// <summary>A backend that answers every request 503 and counts them.</summary>
    private static GrpcTestBackendOptions AlwaysUnavailable(RequestCounter counter) => new()
    {
        Configure = app => app.Use(async (HttpContext ctx, RequestDelegate _) =>
        {
            counter.Increment();
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }),
    };
}
