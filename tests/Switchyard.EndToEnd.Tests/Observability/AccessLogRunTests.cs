using System.Diagnostics;
using Grpc.Net.Client;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>`switchyard run` with accessLog: lines in the file, and the file reopened on SIGUSR1 (logrotate).</summary>
[CancelAfter(120_000)]
public class AccessLogRunTests
{
    [Test]
    public async Task Run_WritesJsonLines_AndReopensTheFileOnSigusr1()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var dir = Directory.CreateTempSubdirectory("switchyard-accesslog-run-");
        try
        {
            var (process, _, web) = await SwitchyardProcess.StartReadyAsync(dir, """
                accessLog:
                  filePath: logs/access.log
                  format: json
                  bufferingSize: 100
                """, RunCommandTests.Manifest(backend.Port));
            var log = Path.Combine(dir.FullName, "logs", "access.log");
            using var owned = process;
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{web}");
                var client = new Echo.EchoClient(channel);

                await client.UnaryAsync(new EchoRequest { Message = "before rotation" });
                await Wait.UntilAsync(() => Lines(log).Length == 1, TimeSpan.FromSeconds(10), "the first line");
                Assert.That(Lines(log)[0], Does.Contain("\"GrpcStatus\":0").And.Contain("\"RouterName\":\"default-echo-"));

                // logrotate: move the file, signal, and the next line goes to a new file at the configured path.
                File.Move(log, log + ".1");
                using (var kill = Process.Start("kill", ["-USR1", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                    Assert.That(kill.ExitCode, Is.Zero);
                }

                await Wait.UntilAsync(async () =>
                {
                    await client.UnaryAsync(new EchoRequest { Message = "after rotation" });
                    return Lines(log).Length > 0;
                }, TimeSpan.FromSeconds(10), "a line in the reopened file");
                Assert.That(process.HasExited, Is.False, "SIGUSR1 does not stop the process");
                Assert.That(Lines(log + ".1"), Has.Length.EqualTo(1), "the rotated file got no line after the signal");
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

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
