using System.Diagnostics;

namespace Switchyard.TestKit.FakeKube;

/// <summary>The result of one kubectl run.</summary>
public sealed record KubectlResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";
}

/// <summary>Runs /usr/bin/kubectl against a <see cref="FakeApiServer"/> through a kubeconfig file.</summary>
public sealed class Kubectl(string kubeconfigPath, string cacheDir)
{
    public const string Path = "/usr/bin/kubectl";

    public static bool IsAvailable => File.Exists(Path);

    /// <summary>A kubectl bound to <paramref name="server"/>, its kubeconfig and discovery cache in <paramref name="workDir"/>.</summary>
    public static Kubectl For(FakeApiServer server, string workDir)
    {
        Directory.CreateDirectory(workDir);
        var config = server.WriteKubeconfig(System.IO.Path.Combine(workDir, "kubeconfig"));
        return new Kubectl(config, System.IO.Path.Combine(workDir, "kube-cache"));
    }

    public string KubeconfigPath { get; } = kubeconfigPath;

    /// <summary>Runs kubectl; <paramref name="stdin"/> is piped in (for <c>apply -f -</c>). Killed after 30 s.</summary>
    public async Task<KubectlResult> RunAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add($"--kubeconfig={KubeconfigPath}");
        psi.ArgumentList.Add($"--cache-dir={cacheDir}");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in 30 s");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }
}
