using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests;

/// <summary>The built `switchyard run` process on a temporary folder: serves gRPC, reports readiness, hot reloads.</summary>
[CancelAfter(120_000)]
public class RunCommandTests
{
    [Test]
    public async Task Run_ServesTheFolder_AndAManifestEditMovesTraffic()
    {
        await using var b1 = await GrpcTestBackend.StartAsync("b1");
        await using var b2 = await GrpcTestBackend.StartAsync("b2");
        var dir = Directory.CreateTempSubdirectory("switchyard-run-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), $"""
                log:
                  level: INFO
                entryPoints:
                  web:
                    address: "127.0.0.1:0"
                  websecure:
                    address: "127.0.0.1:0"
                    tls: {"{}"}
                  admin:
                    address: "127.0.0.1:0"
                    admin: true
                metrics:
                  prometheus: {"{}"}
                providers:
                  file:
                    directory: manifests
                """);
            var manifest = Path.Combine(dir.FullName, "manifests", "echo.yaml");
            await File.WriteAllTextAsync(manifest, Manifest(b1.Port));

            var run = await SwitchyardProcess.StartAsync(Path.Combine(dir.FullName, "switchyard.yaml"), ["web", "websecure", "admin"]);
            using var process = run.Process;
            var web = run.WebPort;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{run.Ports["admin"]}") };

                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{web}");
                var client = new Echo.EchoClient(channel);
                var first = await client.UnaryAsync(new EchoRequest { Message = "hello" });
                Assert.That(first.Server, Is.EqualTo("b1"));

                // Hot reload: point the EndpointSlice at b2; traffic moves without a restart.
                await File.WriteAllTextAsync(manifest, Manifest(b2.Port));
                await Wait.UntilAsync(async () => (await client.UnaryAsync(new EchoRequest())).Server == "b2",
                    TimeSpan.FromSeconds(30), "traffic to move to b2 after the manifest edit");

                // A proxy-generated error keeps its gRPC meaning through the real process.
                var ex = await Assert.ThrowsAsync<RpcException>(async () =>
                    await new Echo.EchoClient(GrpcChannel.ForAddress($"http://127.0.0.1:{web}"))
                        .UnaryAsync(new EchoRequest(), new Metadata { { "x-route", "none" } }));
                Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));

                // metrics.prometheus: Traefik's series on the admin port, the reload and the missing route counted.
                var metrics = await http.GetStringAsync("/metrics");
                Assert.That(metrics, Does.Match("traefik_config_reloads_total [2-9]"), "the first table and the edit");
                Assert.That(metrics, Does.Contain("switchyard_grpc_responses_total{router=\"\",grpc_status=\"12\"} 1\n"));
                Assert.That(metrics, Does.Match("traefik_service_requests_total\\{code=\"0\",method=\"POST\",protocol=\"grpc\",service=\"[^\"]+\"\\} [1-9]"));
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Run_WithAnUnknownStaticConfigKey_FailsWithFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-run-");
        try
        {
            var config = Path.Combine(dir.FullName, "switchyard.yaml");
            await File.WriteAllTextAsync(config, "entryPoints:\n  web:\n    adress: \":8000\"\n");
            using var process = SwitchyardProcess.StartRun(config, out var output);
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.EqualTo(2));
            await Wait.UntilAsync(() => output.ToString().Contains("adress", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the error text");
            Assert.That(output.ToString(), Does.Contain("switchyard.yaml:3:"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Routes only calls WITHOUT an x-route header, so the second client above hits "no route".
    internal static string Manifest(int port) => EchoManifest.For(port);
}
