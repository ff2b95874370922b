using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Switchyard.TestKit.Observability;

/// <summary>
/// Debian's prometheus (scripts/setup.d/60-observability.sh) on 127.0.0.1 with a temporary config and data folder,
/// scraping one target every second; stopped by its PID. Queries go through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string PrometheusPath = "/usr/bin/prometheus";
    public const string PromtoolPath = "/usr/bin/promtool";

    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string dir, StringBuilder output, int port)
    {
        _process = process;
        _dir = dir;
        _output = output;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static async Task<PrometheusServer> StartAsync(IPEndPoint target, string job = "switchyard")
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-prometheus-").FullName;
        var port = Acme.PebbleServer.FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ["127.0.0.1:{target.Port}"]
            """);
        var info = new ProcessStartInfo(PrometheusPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add($"--config.file={Path.Combine(dir, "prometheus.yml")}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(dir, "data")}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, output, port);
        try
        {
            await Wait.UntilAsync(server.IsReadyAsync, TimeSpan.FromSeconds(60), "prometheus to be ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The value of an instant query's first sample, null when the result is empty.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0
            ? null
            : double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The health of the scrape target as Prometheus saw it ("up", "down", "unknown").</summary>
    public async Task<string> TargetHealthAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/targets"));
        var active = json.RootElement.GetProperty("data").GetProperty("activeTargets");
        return active.GetArrayLength() == 0 ? "none" : active[0].GetProperty("health").GetString()!;
    }

    /// <summary>`promtool check metrics` on an exposition: (exit code, what it printed).</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var info = new ProcessStartInfo(PromtoolPath, ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited ({_process.ExitCode}):\n{Output}");
        }

        try
        {
            using var response = await _http.GetAsync("/-/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
