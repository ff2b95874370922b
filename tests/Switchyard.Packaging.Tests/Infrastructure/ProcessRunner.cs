using System.Diagnostics;
using Switchyard.TestKit;

namespace Switchyard.Packaging.Tests.Infrastructure;

/// <summary>The outcome of one external tool run.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Runs a real tool (helm, node, dockerfilelint, switchyard) with a time bound; kills it on timeout.</summary>
internal static class ProcessRunner
{
    /// <summary>`switchyard ARGS`: the build's switchyard.dll, or SWITCHYARD_EXECUTABLE (the trimmed publish).</summary>
    public static Task<ProcessResult> RunSwitchyardAsync(
        IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var (fileName, prefix) = SwitchyardCommand.For(Path.Combine(AppContext.BaseDirectory, "switchyard.dll"));
        return RunAsync(fileName, [.. prefix, .. args], timeout: timeout, cancellationToken: cancellationToken);
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> args, string? workingDirectory = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Helm keeps caches and plugins under HOME; point them at a throw-away place so runs are independent.
        info.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "switchyard-helm", "cache");
        info.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "switchyard-helm", "config");
        info.Environment["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "switchyard-helm", "data");

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
