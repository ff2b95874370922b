using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>
/// Issue 13.8: a client that gives up mid-call is an expected event, not a fault. The real `switchyard run` process
/// (its own console logger, at DEBUG so nothing is hidden), real Kestrel, a real gRPC backend and client: the
/// cancel is one DEBUG line (event 5101), with no WARN/ERROR line and no stack trace anywhere in the process log.
/// </summary>
[CancelAfter(120_000)]
public class ClientCancelLogTests
{
    [Test]
    public async Task AClientCancelMidCall_IsOneDebugLine_AndNoWarningOrStackTrace()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var dir = Directory.CreateTempSubdirectory("switchyard-cancel-log-");
        try
        {
            var (process, output, web) = await SwitchyardProcess.StartReadyAsync(dir, "log:\n  level: DEBUG\n", RunCommandTests.Manifest(backend.Port));
            using var owned = process;
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{web}");
                var client = new Echo.EchoClient(channel);
                await client.UnaryAsync(new EchoRequest { Message = "warm-up" });

                // The backend holds the call; the client cancels once the call has reached it (mid-call, not before).
                using var cancel = new CancellationTokenSource();
                var call = client.UnaryAsync(new EchoRequest { Message = "slow", DelayMs = 60_000 }, cancellationToken: cancel.Token);
                await Wait.UntilAsync(() => backend.Calls == 2, TimeSpan.FromSeconds(30), "the slow call to reach the backend");
                await cancel.CancelAsync();
                var ex = await Assert.ThrowsAsync<RpcException>(async () => await call);
                Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Cancelled));
                await Wait.UntilAsync(() => backend.Cancellations == 1, TimeSpan.FromSeconds(30), "the gateway to cancel the backend call");
                await Wait.UntilAsync(() => Lines(output).Any(IsForwardEvent), TimeSpan.FromSeconds(30), () => $"the forward event; output:\n{output}");

                // Stop gracefully so the console logger flushes every line it was given.
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await process.WaitForExitAsync(exit.Token);
            }
            finally
            {
                await SwitchyardProcess.StopAsync(process);
            }

            var lines = Lines(output);
            var log = string.Join('\n', lines);
            var forward = lines.Where(IsForwardEvent).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(forward, Has.Count.EqualTo(1), $"one line for the cancelled call; log:\n{log}");
                Assert.That(forward.Single(), Does.Contain("dbug:").And.Contain("(Cancelled)"), log);
                Assert.That(lines.Where(l => l.Contains("warn:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal)
                    || l.Contains("crit:", StringComparison.Ordinal)), Is.Empty, $"no warning or error; log:\n{log}");
                Assert.That(lines.Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal)),
                    Is.Empty, $"no stack trace; log:\n{log}");
            });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Switchyard.Forwarding[5101]: the outcome of a forwarded call that did not end in a response.
    private static bool IsForwardEvent(string line) => line.Contains("[5101]", StringComparison.Ordinal);

    private static string[] Lines(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
