using Grpc.Core;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.GatewayApi;

/// <summary>
/// Issue 19 "Done when": a GRPCRoute with method matches and an ExtensionRef to a Traefik rateLimit Middleware routes
/// real gRPC calls (Grpc.AspNetCore backends, Grpc.Net.Client callers) by method and limits them. Manifests → the real
/// compiler → the real data plane on 127.0.0.1.
/// </summary>
[CancelAfter(60_000)]
public class GrpcRouteTests
{
    [Test]
    public async Task MethodMatchesRouteToTheirBackendsAndTheExtensionRefRateLimitLimitsOnlyItsRule()
    {
        await using var unary = await GrpcTestBackend.StartAsync("unary");
        await using var streams = await GrpcTestBackend.StartAsync("streams");
        await using var gw = await Gateway.StartAsync();
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(Manifests(unary.Port, streams.Port), "grpcroute.yaml"));
        Assert.That(result.Diagnostics.Where(d => d.Severity is Severity.Error or Severity.Warning).Select(d => d.Format()), Is.Empty);
        gw.Apply(result.Table);
        var client = gw.Client();

        async Task<(StatusCode Status, string? Server)> UnaryAsync()
        {
            try
            {
                var reply = await client.UnaryAsync(new EchoRequest { Message = "hi" });
                return (StatusCode.OK, reply.Server);
            }
            catch (RpcException ex)
            {
                return (ex.StatusCode, null);
            }
        }

        var allowed = new List<(StatusCode, string?)>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await UnaryAsync());
        }

        var limited = await UnaryAsync();

        // ServerStream matches the regex rule (no limit): all its calls go through, to the other backend.
        var servers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var call = client.ServerStream(new StreamRequest { Message = "s", Count = 2 });
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                servers.Add(reply.Server);
            }
        }

        // No rule matches ClientStream: the gateway answers UNIMPLEMENTED itself.
        StatusCode unmatched;
        try
        {
            using var call = client.ClientStream();
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
            unmatched = StatusCode.OK;
        }
        catch (RpcException ex)
        {
            unmatched = ex.StatusCode;
        }

        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.All.EqualTo((StatusCode.OK, "unary")), "Unary goes to its exact-match backend, within the burst");
            Assert.That(limited.Status, Is.EqualTo(StatusCode.ResourceExhausted), "the 4th Unary call exceeds the rateLimit burst of 3");
            Assert.That(unary.Calls, Is.EqualTo(3), "the limited call never reaches the backend");
            Assert.That(servers, Has.Count.EqualTo(10).And.All.EqualTo("streams"), "ServerStream matches the RegularExpression rule");
            Assert.That(unmatched, Is.EqualTo(StatusCode.Unimplemented), "no rule matches ClientStream");
        });
    }

    private static string Manifests(int unaryPort, int streamsPort) => $$"""
        {{GatewayApiManifests.GatewayAndClass()}}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: limit, namespace: default}
        spec:
          rateLimit: {average: 1, period: 1m, burst: 3}
        ---
        {{GatewayApiManifests.Backend("unary", unaryPort)}}
        ---
        {{GatewayApiManifests.Backend("streams", streamsPort)}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
            - matches:
                - method: {service: switchyard.test.Echo, method: Unary}
              filters:
                - type: ExtensionRef
                  extensionRef: {group: traefik.io, kind: Middleware, name: limit}
              backendRefs: [{name: unary, port: 5000}]
            - matches:
                - method: {type: RegularExpression, service: "switchyard\\.test\\..*", method: "(Server|Bidi)Stream"}
              backendRefs: [{name: streams, port: 5000}]
        """;
}
