using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.EndToEnd.Tests.Cli;

/// <summary>
/// The README's commands work as written from the repository root (issue 16 item 4): every fenced `sh` command
/// that calls the `switchyard` command (scripts/switchyard, or `dotnet run --project src/Switchyard`) and does not
/// start a server is run from the root; each must exit 0 and leave no new file in the repository.
/// </summary>
[NonParallelizable]
[CancelAfter(600_000)]
public partial class ReadmeCommandTests
{
    private static readonly string[] Ignored = ["bin", "obj", ".git", ".tools", "node_modules", "TestResults"];

    [Test]
    public async Task EverySwitchyardCommandOfTheReadme_WorksFromTheRoot_AndLeavesNoStrayFile(CancellationToken cancellationToken)
    {
        var commands = ReadmeCommands().ToList();
        Assert.That(commands.Count(c => c.StartsWith("dotnet run", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1), string.Join("\n", commands));
        Assert.That(commands.Count(c => c.StartsWith("scripts/switchyard", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(4), string.Join("\n", commands));

        var before = RepositoryFiles();
        var failures = new List<string>();
        foreach (var command in commands)
        {
            var (code, output) = await RunFromRootAsync(ForTheTest(command), cancellationToken);
            if (code != 0)
            {
                failures.Add($"{command}\n  exit {code}\n{output}");
            }
        }

        var stray = RepositoryFiles().Except(before).Order(StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty);
            Assert.That(stray, Is.Empty, "files the README's commands left in the repository");
        });
    }

    /// <summary>The README's `sh` fenced commands for the switchyard CLI, continuation lines joined, comments cut.</summary>
    private static IEnumerable<string> ReadmeCommands()
    {
        var inBlock = false;
        var pending = new StringBuilder();
        foreach (var raw in File.ReadLines(Path.Combine(SwitchyardCli.RepoRoot, "README.md")))
        {
            if (raw.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock && raw.Trim() == "```sh";
                continue;
            }

            if (!inBlock)
            {
                continue;
            }

            var line = Comment().Replace(raw, "").TrimEnd();
            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            var command = Spaces().Replace(pending.Append(line).ToString().Trim(), " ");
            pending.Clear();
            var words = command.Split(' ');
            var sub = command.StartsWith("scripts/switchyard ", StringComparison.Ordinal) ? words.ElementAtOrDefault(1)
                : command.StartsWith("dotnet run --project src/Switchyard -- ", StringComparison.Ordinal) ? words.ElementAtOrDefault(5)
                : null;
            if (sub is not null && sub != "run")
            {
                yield return command;
            }
        }
    }

    /// <summary>
    /// `dotnet run` as written would build the Debug configuration inside the test; the test uses the build it runs
    /// from instead. The working directory — what this test is about — is decided the same way with or without it.
    /// </summary>
    private static string ForTheTest(string command)
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)));
        return command.StartsWith("dotnet run --project src/Switchyard -- ", StringComparison.Ordinal)
            ? command.Replace("--project src/Switchyard -- ", $"--project src/Switchyard -c {configuration} --no-build -- ", StringComparison.Ordinal)
            : command;
    }

    private static async Task<(int Code, string Output)> RunFromRootAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = SwitchyardCli.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static HashSet<string> RepositoryFiles()
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([SwitchyardCli.RepoRoot]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!Ignored.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }

            files.UnionWith(Directory.EnumerateFiles(dir).Select(f => Path.GetRelativePath(SwitchyardCli.RepoRoot, f)));
        }

        return files;
    }

    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
