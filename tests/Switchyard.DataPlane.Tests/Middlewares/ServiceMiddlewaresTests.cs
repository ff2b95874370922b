using System.Globalization;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// Service-level middlewares (Traefik v3.7 <c>services[].middlewares</c>) on real sockets, compiled from manifests:
/// each call runs the router's middlewares, then exactly the middlewares of the child the weighted pick sent it to.
/// </summary>
[CancelAfter(60_000)]
public class ServiceMiddlewaresTests
{
    [Test]
    public async Task EachCallOfAWeightedServiceGetsExactlyItsChildsMiddlewares_AfterTheRoutersOwn()
    {
        await using var a = await GrpcTestBackend.StartAsync("a", Tagged("a"));
        await using var b = await GrpcTestBackend.StartAsync("b", Tagged("b"));
        await using var gw = await ServeAsync(Backends(("svc-a", a.Port, "http"), ("svc-b", b.Port, "http")) + AppRoutes("""
            - kind: Rule
              match: PathPrefix(`/`)
              middlewares: [{name: add-v2}]
              services: [{name: split, kind: TraefikService}]
            """) + Split("tag-a", "strip-v2") + """
            ---
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: add-v2, namespace: default}
            spec:
              addPrefix: {prefix: /v2}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: tag-a, namespace: default}
            spec:
              headers:
                customResponseHeaders: {X-Child: a}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: strip-v2, namespace: default}
            spec:
              stripPrefix: {prefixes: [/v2]}
            """, "weighted.yaml");
        using var http = new HttpClient();

        var seen = new Dictionary<string, int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/x");
            var body = HttpEchoBackend.Parse(await response.Content.ReadAsStringAsync());
            var backend = response.Headers.GetValues("X-Backend").Single();
            seen[backend] = seen.GetValueOrDefault(backend) + 1;
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            if (backend == "a")
            {
                Assert.Multiple(() =>
                {
                    Assert.That(response.Headers.GetValues("X-Child"), Is.EqualTo(new[] { "a" }), "child a's headers middleware ran");
                    Assert.That(body["path"], Is.EqualTo("/v2/x"), "the router's addPrefix ran; child b's stripPrefix did not");
                    Assert.That(body.ContainsKey("x-forwarded-prefix"), Is.False);
                });
            }
            else
            {
                Assert.Multiple(() =>
                {
                    Assert.That(response.Headers.Contains("X-Child"), Is.False, "child a's headers middleware did not run on b's call");
                    Assert.That(body["path"], Is.EqualTo("/x"), "router's addPrefix first, then child b's stripPrefix");
                    Assert.That(body["x-forwarded-prefix"], Is.EqualTo("/v2"));
                });
            }
        }

        Assert.That(seen, Is.EqualTo(new Dictionary<string, int> { ["a"] = 3, ["b"] = 3 }), "equal weights: the calls alternate");
    }

    [Test]
    public async Task AGrpcCallRunsItsServicesMiddlewares_AndAnAnswerOfOneEndsTheCallWithItsGrpcStatus()
    {
        await using var a = await GrpcTestBackend.StartAsync("a");
        await using var gw = await ServeAsync(Backends(("grpc-a", a.Port, "grpc")) + AppRoutes("""
            - kind: Rule
              match: Header(`x-deny`, `no`)
              services:
                - {name: grpc-a, port: grpc, scheme: h2c, middlewares: [{name: grpc-tag}]}
            - kind: Rule
              match: Header(`x-deny`, `yes`)
              services:
                - {name: grpc-a, port: grpc, scheme: h2c, middlewares: [{name: nobody}]}
            """) + """
            ---
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: grpc-tag, namespace: default}
            spec:
              headers:
                customRequestHeaders: {X-Svc: grpc-a}
                customResponseHeaders: {X-Svc-Answer: tagged}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: nobody, namespace: default}
            spec:
              ipAllowList: {sourceRange: [192.0.2.1/32]}
            """, "grpc.yaml");
        var client = gw.Client();

        var call = client.UnaryAsync(new EchoRequest { Message = "hi" }, new Metadata { { "x-deny", "no" } });
        var reply = await call;
        var headers = await call.ResponseHeadersAsync;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Server, Is.EqualTo("a"));
            Assert.That(reply.Headers["x-svc"], Is.EqualTo("grpc-a"), "the service's request headers reached the backend");
            Assert.That(headers.GetValue("x-svc-answer"), Is.EqualTo("tagged"), "the service's response headers reached the caller");
            Assert.That(call.GetTrailers().GetValue("x-trailer"), Is.EqualTo("unary-a"), "trailers pass through");
        });

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new EchoRequest { Message = "hi" }, new Metadata { { "x-deny", "yes" } }));
        Assert.Multiple(() =>
        {
            Assert.That(denied!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), "the service's ipAllowList answers 403 as a gRPC status");
            Assert.That(a.Calls, Is.EqualTo(1), "the refused call never reached the backend");
        });
    }

    [Test]
    public async Task ABrokenServiceMiddlewareReference_DropsOnlyTheRoutesUsingThatService()
    {
        await using var a = await GrpcTestBackend.StartAsync("a", Tagged("a"));
        await using var gw = await Gateway.StartAsync();
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(Backends(("svc-a", a.Port, "http")) + AppRoutes("""
            - kind: Rule
              match: PathPrefix(`/broken`)
              services:
                - {name: svc-a, port: http, scheme: h2c, middlewares: [{name: no-such-middleware}]}
            - kind: Rule
              match: PathPrefix(`/fine`)
              services:
                - {name: svc-a, port: http, scheme: h2c}
            """), "broken.yaml"));
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.That(errors.Select(d => (d.Code, d.Reason, d.Field)), Is.EqualTo(new[]
        {
            (DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound", "spec.routes[0].services[0].middlewares[0]"),
        }));
        Assert.That(errors[0].Message, Does.Contain("default/no-such-middleware not found"));
        gw.Apply(result.Table);
        using var http = new HttpClient();

        using var fine = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/fine");
        using var broken = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/broken");
        Assert.Multiple(() =>
        {
            Assert.That(fine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(broken.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the route is not served without its service's middleware");
        });
    }

    /// <summary>A gateway serving the table compiled from <paramref name="manifests"/>, which must compile without an error.</summary>
    internal static async Task<Gateway> ServeAsync(string manifests, string file)
    {
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(manifests, file));
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error), Is.Empty);
        var gw = await Gateway.StartAsync();
        gw.Apply(result.Table);
        return gw;
    }

    /// <summary>IngressRoute default/app on web with <paramref name="routes"/> (YAML list items at column 0).</summary>
    internal static string AppRoutes(string routes) => """

        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          entryPoints: [web]
          routes:

        """ + string.Concat(routes.Split('\n').Select(line => "    " + line + "\n"));

    /// <summary>TraefikService default/split: svc-a and svc-b (port http, h2c), weight 1 each, with one service middleware each.</summary>
    internal static string Split(string middlewareA, string middlewareB) => $$"""
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TraefikService
        metadata: {name: split, namespace: default}
        spec:
          weighted:
            services:
              - {name: svc-a, port: http, scheme: h2c, middlewares: [{name: {{middlewareA}}}]}
              - {name: svc-b, port: http, scheme: h2c, middlewares: [{name: {{middlewareB}}}]}

        """;

    /// <summary>The plain-HTTP echo, with every answer saying which backend gave it (X-Backend).</summary>
    internal static GrpcTestBackendOptions Tagged(string name)
    {
        var echo = HttpEchoBackend.Options();
        return echo with
        {
            Configure = app =>
            {
                app.Use((ctx, next) =>
                {
                    ctx.Response.Headers["X-Backend"] = name;
                    return next(ctx);
                });
                echo.Configure!(app);
            },
        };
    }

    /// <summary>A Service with one port named <c>portName</c> and its EndpointSlice on 127.0.0.1:port, per backend.</summary>
    internal static string Backends(params (string Name, int Port, string PortName)[] backends) => string.Concat(backends.Select(b => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{b.Name}}, namespace: default}
        spec:
          ports: [{name: {{b.PortName}}, port: 80, targetPort: {{b.Port}}}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {{b.Name}}-1
          namespace: default
          labels: {kubernetes.io/service-name: {{b.Name}}}
        addressType: IPv4
        ports: [{name: {{b.PortName}}, port: {{b.Port.ToString(CultureInfo.InvariantCulture)}}, protocol: TCP}]
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions: {ready: true, serving: true}
        ---

        """));
}
