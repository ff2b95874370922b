using System.Text.Json.Nodes;
using Grpc.Core;
using Switchyard.Kubernetes;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Issue 19 "Done when": Gateway API objects applied with kubectl to the fake API server (upstream CRDs installed) are
/// served by the operator — a GRPCRoute with method matches and an ExtensionRef rateLimit Middleware over real gRPC
/// backends — and the Gateway/route status conditions the leader writes are read back with kubectl.
/// </summary>
[CancelAfter(120_000)]
public sealed class GatewayApiKubernetesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly string GatewayApiObjects = GatewayApiManifests.GatewayAndClass(GatewayApiManifests.WebListener, "name: elsewhere, port: 9999, protocol: HTTP") + "\n---\n" + """
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: limit, namespace: default}
        spec:
          rateLimit: {average: 1, period: 1m, burst: 2}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo, namespace: default}
        spec:
          parentRefs: [{name: gw, sectionName: web}]
          rules:
          - matches: [{method: {service: switchyard.test.Echo, method: Unary}}]
            filters:
            - type: ExtensionRef
              extensionRef: {group: traefik.io, kind: Middleware, name: limit}
            backendRefs: [{name: unary, port: 5000}]
          - matches: [{method: {service: switchyard.test.Echo, method: ServerStream}}]
            backendRefs: [{name: streams, port: 5000}, {name: missing, port: 5000, weight: 0}]
        """;

    [TestCase(true, TestName = "KubectlApplied_GrpcRoute_RoutesByMethod_LimitsUnary_AndStatusIsReadBackWithKubectl")]
    [TestCase(false, TestName = "KubectlApplied_GrpcRoute_WithOnlyTheGatewayProvider_StillReadsTheExtensionRefMiddleware")]
    public async Task KubectlApplied_GrpcRoute_RoutesByMethod_LimitsUnary_AndStatusIsReadBackWithKubectl(bool traefikCrdProvider)
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        TraefikCrds.Install(server);
        GatewayApiCrds.Install(server);
        await using var unary = await GrpcTestBackend.StartAsync("unary");
        await using var streams = await GrpcTestBackend.StartAsync("streams");
        await using var op = await InProcessOperator.StartAsync(server, options: new KubernetesSourceOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            GatewayApi = new GatewayApiSourceOptions(),
            TraefikCrds = traefikCrdProvider, // off: the Middleware of the ExtensionRef must still be read
        });
        using var channel = op.Channel();
        var client = new Echo.EchoClient(channel);
        var workDir = Directory.CreateTempSubdirectory("e2e-gwapi-").FullName;
        try
        {
            var manifests = string.Join("\n---\n", GatewayApiManifests.Backend("unary", unary.Port), GatewayApiManifests.Backend("streams", streams.Port), GatewayApiObjects);
            Kubectl? kubectl = Kubectl.IsAvailable ? Kubectl.For(server, workDir) : null;
            if (kubectl is not null)
            {
                var applied = await kubectl.RunAsync(manifests, "apply", "--validate=false", "-f", "-");
                Assert.That(applied.ExitCode, Is.Zero, applied.ToString());
            }
            else
            {
                server.ApplyYaml(manifests);
            }

            async Task<StatusCode> UnaryAsync()
            {
                try
                {
                    await client.UnaryAsync(new EchoRequest { Message = "m" }, deadline: DateTime.UtcNow.AddSeconds(5));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            }

            await Wait.UntilAsync(async () => unary.Calls > 0 || await UnaryAsync() == StatusCode.OK && unary.Calls > 0, Timeout, "the GRPCRoute serves Unary");
            var next = await UnaryAsync();
            var limited = await UnaryAsync();
            using var stream = client.ServerStream(new StreamRequest { Message = "s", Count = 1 });
            var streamed = await stream.ResponseStream.ReadAllAsync().ToListAsync();

            // Status, as kubectl shows it.
            async Task<JsonNode?> GetAsync(string resource, string name)
            {
                if (kubectl is null)
                {
                    return null;
                }

                var got = await kubectl.RunAsync(null, "get", resource, name, "-n", "default", "-o", "json");
                return got.ExitCode == 0 ? JsonNode.Parse(got.StdOut) : null;
            }

            static string? Condition(JsonNode? conditions, string type) =>
                conditions?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == type) is { } c
                    ? $"{c["status"]}/{c["reason"]}"
                    : null;

            JsonNode? gateway = null, route = null, gatewayClass = null;
            if (kubectl is not null)
            {
                await Wait.UntilAsync(async () =>
                {
                    gateway = await GetAsync("gateways.gateway.networking.k8s.io", "gw");
                    route = await GetAsync("grpcroutes.gateway.networking.k8s.io", "echo");
                    gatewayClass = await GetAsync("gatewayclasses.gateway.networking.k8s.io", "switchyard");
                    return gateway?["status"]?["conditions"] is not null && route?["status"]?["parents"] is not null && gatewayClass?["status"]?["conditions"] is not null;
                }, Timeout, "status written");
            }

            Assert.Multiple(() =>
            {
                Assert.That(next, Is.EqualTo(StatusCode.OK), "second Unary within the burst of 2");
                Assert.That(limited, Is.EqualTo(StatusCode.ResourceExhausted), "third Unary over the ExtensionRef rateLimit");
                Assert.That(unary.Calls, Is.EqualTo(2));
                Assert.That(streamed.Select(r => r.Server), Is.EqualTo(new[] { "streams" }), "ServerStream goes to its own backend (the weight-0 backend takes nothing)");
                if (kubectl is null)
                {
                    Assert.Warn("kubectl not installed: status not read back");
                    return;
                }

                Assert.That(Condition(gatewayClass?["status"]?["conditions"], "Accepted"), Is.EqualTo("True/Accepted"));
                Assert.That(Condition(gateway?["status"]?["conditions"], "Accepted"), Is.EqualTo("True/ListenersNotValid"), "one of two listeners has no entry point");
                Assert.That(Condition(gateway?["status"]?["conditions"], "Programmed"), Is.EqualTo("True/Programmed"));
                var listeners = gateway?["status"]?["listeners"]?.AsArray();
                var web = listeners?.FirstOrDefault(l => l?["name"]?.GetValue<string>() == "web");
                var elsewhere = listeners?.FirstOrDefault(l => l?["name"]?.GetValue<string>() == "elsewhere");
                Assert.That(web?["attachedRoutes"]?.GetValue<int>(), Is.EqualTo(1));
                Assert.That(Condition(web?["conditions"], "Programmed"), Is.EqualTo("True/Programmed"));
                Assert.That(Condition(elsewhere?["conditions"], "Accepted"), Is.EqualTo("False/PortUnavailable"));
                var parent = route?["status"]?["parents"]?.AsArray().FirstOrDefault();
                Assert.That(parent?["controllerName"]?.GetValue<string>(), Is.EqualTo("traefik.io/gateway-controller"));
                Assert.That(Condition(parent?["conditions"], "Accepted"), Is.EqualTo("True/Accepted"));
                Assert.That(Condition(parent?["conditions"], "ResolvedRefs"), Is.EqualTo("False/BackendNotFound"), "the weight-0 backend names a missing Service");
            });

            // Written only when changed: a recompile of the same objects sends no patch.
            var patches = op.Controller.Status.Patches;
            server.ApplyYaml(GatewayApiManifests.Backend("unary", unary.Port));
            var swaps = op.Swaps;
            await Wait.UntilAsync(() => Task.FromResult(op.Swaps > swaps), Timeout, "a recompile");
            Assert.That(op.Controller.Status.Patches, Is.EqualTo(patches), "unchanged status is not written again");
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }
}
