using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchyard.EndToEnd.Tests;

/// <summary>The built `switchyard` executable as a child process, with its output captured for failure messages.</summary>
internal static class SwitchyardProcess
{
    public static Process StartRun(string config, out StringBuilder output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "switchyard.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        var sink = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (sink) { sink.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (sink) { sink.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = sink;
        return process;
    }

    /// <summary>
    /// `switchyard run` on <paramref name="dir"/>: entry points web and admin on free loopback ports, the static
    /// config's other sections from <paramref name="extraConfig"/> (top-level YAML), one manifest file; returned ready.
    /// </summary>
    public static async Task<RunningSwitchyard> StartReadyAsync(DirectoryInfo dir, string extraConfig, string manifest)
    {
        var (web, admin) = (FreePort(), FreePort());
        Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), $"""
            entryPoints:
              web:
                address: "127.0.0.1:{web}"
              admin:
                address: "127.0.0.1:{admin}"
                admin: true
            providers:
              file:
                directory: manifests

            """ + extraConfig);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "manifest.yaml"), manifest);
        var process = StartRun(Path.Combine(dir.FullName, "switchyard.yaml"), out var output);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin}") };
            await TestKit.Wait.UntilAsync(async () => await IsReadyAsync(http), TimeSpan.FromSeconds(60), () => $"switchyard to be ready; output:\n{output}");
            return new RunningSwitchyard(process, output, web);
        }
        catch
        {
            await StopAsync(process);
            process.Dispose();
            throw;
        }
    }

    public static async Task<bool> IsReadyAsync(HttpClient admin)
    {
        try
        {
            using var response = await admin.GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }
}

/// <summary>A started `switchyard run`: the process, its captured output, the web entry point's port.</summary>
internal sealed record RunningSwitchyard(Process Process, StringBuilder Output, int WebPort);
