using System.Text;
using Grpc.Net.Client;
using Switchyard.EndToEnd.Tests;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.Reliability.Tests.Run;

/// <summary>
/// Issue 17.5 and 17.7 through the built `switchyard run` process: the manifest folder deleted and recreated keeps
/// the gateway serving and ready (warning in the log, switchyard_config_source_missing 1), the recreated folder is
/// picked up, and a broken edit that leaves the table unchanged still logs its error.
/// </summary>
[CancelAfter(120_000)]
public class RunFolderLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Run_survives_its_folder_deleted_and_recreated_and_logs_errors_of_unchanged_tables()
    {
        await using var b1 = await GrpcTestBackend.StartAsync("b1");
        await using var b2 = await GrpcTestBackend.StartAsync("b2");
        var dir = Directory.CreateTempSubdirectory("switchyard-lifecycle-");
        try
        {
            var manifests = Path.Combine(dir.FullName, "manifests");
            Directory.CreateDirectory(manifests);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), $$"""
                entryPoints:
                  web:
                    address: "127.0.0.1:0"
                  websecure:
                    address: "127.0.0.1:0"
                    tls: {}
                  admin:
                    address: "127.0.0.1:0"
                    admin: true
                metrics:
                  prometheus: {}
                providers:
                  file: {directory: manifests}
                """);
            await File.WriteAllTextAsync(Path.Combine(manifests, "echo.yaml"), EchoManifest.For(b1.Port));

            var run = await SwitchyardProcess.StartAsync(Path.Combine(dir.FullName, "switchyard.yaml"), ["web", "websecure", "admin"]);
            using var process = run.Process;
            var output = run.Output;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{run.Ports["admin"]}") };
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{run.WebPort}");
                var client = new Echo.EchoClient(channel);
                Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b1"));

                Directory.Delete(manifests, recursive: true);
                await Wait.UntilAsync(() => Log(output).Contains("SY012", StringComparison.Ordinal), Timeout, () => $"the missing-folder warning; output:\n{output}");
                Assert.Multiple(async () =>
                {
                    Assert.That(await http.GetStringAsync("/metrics"), Does.Contain("switchyard_config_source_missing 1\n"));
                    Assert.That(await SwitchyardProcess.IsReadyAsync(http), Is.True, "a table was served: still ready");
                    Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b1"), "the last table keeps serving");
                });

                Directory.CreateDirectory(manifests);
                await File.WriteAllTextAsync(Path.Combine(manifests, "echo.yaml"), EchoManifest.For(b2.Port));
                await Wait.UntilAsync(async () => (await client.UnaryAsync(new EchoRequest())).Server == "b2", Timeout, () => $"the recreated folder served; output:\n{output}");
                Assert.That(await http.GetStringAsync("/metrics"), Does.Contain("switchyard_config_source_missing 0\n"));

                // A syntax error: the file's last good objects keep serving, the table does not change, the error is logged.
                await File.WriteAllTextAsync(Path.Combine(manifests, "echo.yaml"), EchoManifest.For(b2.Port) + "\n  bad: [unclosed\n");
                await Wait.UntilAsync(() => Log(output).Contains("SY001", StringComparison.Ordinal), Timeout, () => $"the syntax error logged; output:\n{output}");
                Assert.That((await client.UnaryAsync(new EchoRequest())).Server, Is.EqualTo("b2"));
            }
            finally
            {
                await SwitchyardProcess.StopAsync(process);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Log(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
