using System.Diagnostics;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Cli;

/// <summary>Runs the built `switchyard` executable (dotnet switchyard.dll …) as a process and captures its output.</summary>
internal static class SwitchyardCli
{
    /// <summary>The repository root (where Operator.sln is).</summary>
    public static string RepoRoot => RepositoryRoot.Folder;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    }

    public static async Task<Result> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (fileName, prefix) = SwitchyardCommand.For(FindDll());
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>switchyard.dll of the same configuration as this test assembly (bin/&lt;Configuration&gt;/net10.0).</summary>
    private static string FindDll()
    {
        var baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var tfm = Path.GetFileName(baseDir);
        var configuration = Path.GetFileName(Path.GetDirectoryName(baseDir)!);
        var built = Path.Combine(RepoRoot, "src", "Switchyard", "bin", configuration, tfm, "switchyard.dll");
        if (File.Exists(built))
        {
            return built;
        }

        var copied = Path.Combine(AppContext.BaseDirectory, "switchyard.dll");
        return File.Exists(copied) ? copied : throw new FileNotFoundException("switchyard.dll not built", built);
    }
}
