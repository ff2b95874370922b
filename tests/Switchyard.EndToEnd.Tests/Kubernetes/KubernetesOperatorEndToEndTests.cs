using System.Diagnostics;
using Grpc.Core;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// kubectl → fake API server → operator (source, compiler, swap, status) → gateway → real gRPC backends.
/// </summary>
[CancelAfter(120_000)]
public sealed class KubernetesOperatorEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static string Backend(string name, int port) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: default
        spec:
          ports:
          - name: grpc
            port: 80
            targetPort: {{port}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {{name}}-1
          namespace: default
          labels:
            kubernetes.io/service-name: {{name}}
        addressType: IPv4
        ports:
        - name: grpc
          port: {{port}}
          protocol: TCP
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions:
            ready: true
        """;

    private static string Route(string name, string match, string service) => $$"""
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata:
          name: {{name}}
          namespace: default
        spec:
          entryPoints: [web]
          routes:
          - match: "{{match}}"
            kind: Rule
            services:
            - name: {{service}}
              port: grpc
              scheme: h2c
        """;

    private static async Task<string?> ServedBy(Echo.EchoClient client, string env)
    {
        try
        {
            var reply = await client.UnaryAsync(new EchoRequest { Message = "m" }, new Metadata { { "x-env", env } }, deadline: DateTime.UtcNow.AddSeconds(5));
            return reply.Server;
        }
        catch (RpcException e)
        {
            return e.StatusCode.ToString();
        }
    }

    [Test]
    public async Task Kubectl_apply_routes_calls_edits_move_traffic_deletes_answer_UNIMPLEMENTED_and_propagation_is_measured()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        TraefikCrds.Install(server);
        await using var blue = await GrpcTestBackend.StartAsync("blue");
        await using var green = await GrpcTestBackend.StartAsync("green");
        await using var op = await InProcessOperator.StartAsync(server);
        using var channel = op.Channel();
        var client = new Echo.EchoClient(channel);

        var manifests = string.Join("\n---\n", Backend("blue", blue.Port), Backend("green", green.Port),
            Route("blue", "Header(`x-env`, `blue`)", "blue"), Route("green", "Header(`x-env`, `green`)", "green"));
        var workDir = Directory.CreateTempSubdirectory("e2e-kube-").FullName;
        try
        {
            if (Kubectl.IsAvailable)
            {
                var kubectl = Kubectl.For(server, workDir);
                var applied = await kubectl.RunAsync(manifests, "apply", "--validate=false", "-f", "-");
                Assert.That(applied.ExitCode, Is.Zero, applied.ToString());
            }
            else
            {
                server.ApplyYaml(manifests);
            }

            await Wait.UntilAsync(async () => await ServedBy(client, "blue") == "blue", Timeout, "the applied route serves blue");
            Assert.That(await ServedBy(client, "green"), Is.EqualTo("green"));

            // Editing green's match to also take x-env: blue (longer rule ⇒ higher priority) moves blue's traffic.
            var moved = "Header(`x-env`, `blue`) && PathPrefix(`/`)";
            server.ApplyYaml(Route("green", moved, "green"));
            await Wait.UntilAsync(async () => await ServedBy(client, "blue") == "green", Timeout, "traffic moved to green");

            // Propagation: API write → first call served by the new table, over 50 changes.
            var latencies = new List<double>();
            for (var i = 0; i < 50; i++)
            {
                var toGreen = i % 2 == 1;
                var sw = Stopwatch.StartNew();
                server.ApplyYaml(Route("green", toGreen ? moved : "Header(`x-env`, `green`)", "green"));
                var expected = toGreen ? "green" : "blue";
                await Wait.UntilAsync(async () => await ServedBy(client, "blue") == expected, Timeout, $"change {i} served");
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }

            latencies.Sort();
            double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(q * latencies.Count) - 1)];
            TestContext.Out.WriteLine($"event→served latency over {latencies.Count} changes: p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms");

            server.Delete("traefik.io/v1alpha1", "IngressRoute", "default", "blue");
            server.Delete("traefik.io/v1alpha1", "IngressRoute", "default", "green");
            await Wait.UntilAsync(async () => await ServedBy(client, "blue") == nameof(StatusCode.Unimplemented), Timeout, "deleted route ⇒ UNIMPLEMENTED");
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Test]
    public async Task Watch_drops_410_and_an_API_server_restart_converge_with_zero_failed_calls()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        TraefikCrds.Install(server);
        await using var blue = await GrpcTestBackend.StartAsync("blue");
        await using var green = await GrpcTestBackend.StartAsync("green");
        server.ApplyYaml(string.Join("\n---\n", Backend("blue", blue.Port), Backend("green", green.Port), Route("blue", "Header(`x-env`, `blue`)", "blue")));
        await using var op = await InProcessOperator.StartAsync(server);
        using var channel = op.Channel();
        var client = new Echo.EchoClient(channel);
        await Wait.UntilAsync(async () => await ServedBy(client, "blue") == "blue", Timeout, "serving");

        var failures = 0;
        var calls = 0;
        using var stopCalls = new CancellationTokenSource();
        var caller = Task.Run(async () =>
        {
            while (!stopCalls.IsCancellationRequested)
            {
                var by = await ServedBy(client, "blue");
                Interlocked.Increment(ref calls);
                if (by is not ("blue" or "green"))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        server.DropWatches();
        server.ApplyYaml(Route("green", "Header(`x-env`, `green`)", "green"));
        await Wait.UntilAsync(async () => await ServedBy(client, "green") == "green", Timeout, "converged after a dropped watch");

        server.Store.CompactHistory();
        server.DropWatches(abort: false);
        server.ApplyYaml(Route("green", "Header(`x-env`, `blue`) && PathPrefix(`/`)", "green"));
        await Wait.UntilAsync(async () => await ServedBy(client, "blue") == "green", Timeout, "converged after 410");

        server.Restart();
        server.ApplyYaml(Route("green", "Header(`x-env`, `green`)", "green"));
        await Wait.UntilAsync(async () => await ServedBy(client, "blue") == "blue", Timeout, "converged after a restart with history wiped");

        await stopCalls.CancelAsync();
        await caller;
        TestContext.Out.WriteLine($"{calls} calls during the faults, {failures} failed");
        Assert.That(calls, Is.GreaterThan(10));
        Assert.That(failures, Is.Zero);
    }
}
