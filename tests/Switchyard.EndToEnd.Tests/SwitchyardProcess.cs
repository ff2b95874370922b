using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchyard.EndToEnd.Tests;

/// <summary>The built `switchyard` executable as a child process, with its output captured for failure messages.</summary>
internal static class SwitchyardProcess
{
    public static Process StartRun(string config, out StringBuilder output)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "switchyard.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
