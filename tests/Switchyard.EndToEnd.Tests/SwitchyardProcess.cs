using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests;

/// <summary>
/// The built `switchyard` executable as a child process, with its output captured for failure messages. Entry
/// points listen on port 0 and the test reads the ports the child bound from its "listening on" lines, so no
/// other process can take a port between the test choosing it and the child binding it.
/// </summary>
internal static partial class SwitchyardProcess
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static Process StartRun(string config, out StringBuilder output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (fileName, prefix) = SwitchyardCommand.For(Path.Combine(AppContext.BaseDirectory, "switchyard.dll"));
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var a in prefix)
        {
            info.ArgumentList.Add(a);
        }

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
    /// `switchyard run` on <paramref name="dir"/>: entry points web and admin on port 0, the static config's other
    /// sections from <paramref name="extraConfig"/> (top-level YAML), one manifest file; returned ready.
    /// </summary>
    public static async Task<RunningSwitchyard> StartReadyAsync(DirectoryInfo dir, string extraConfig, string manifest)
    {
        Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), """
            entryPoints:
              web:
                address: "127.0.0.1:0"
              admin:
                address: "127.0.0.1:0"
                admin: true
            providers:
              file:
                directory: manifests

            """ + extraConfig);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "manifest.yaml"), manifest);
        return await StartAsync(Path.Combine(dir.FullName, "switchyard.yaml"), ["web", "admin"]);
    }

    /// <summary>
    /// Starts `switchyard run --config <paramref name="config"/>` and waits until every one of
    /// <paramref name="entryPoints"/> logged the address it listens on (log.level INFO or lower) and, when
    /// <paramref name="ready"/>, until the admin entry point answers /readyz 200. Fails at once, with the output,
    /// when the child exits first.
    /// </summary>
    public static async Task<RunningSwitchyard> StartAsync(string config, string[] entryPoints, bool ready = true,
        IReadOnlyDictionary<string, string>? environment = null, string admin = "admin")
    {
        var process = StartRun(config, out var output, environment);
        try
        {
            var ports = await WaitListeningAsync(process, output, entryPoints, ready ? admin : null);
            return new RunningSwitchyard(process, output, ports.GetValueOrDefault("web")) { Ports = ports };
        }
        catch
        {
            await StopAsync(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// For a config that needs its ports before the start (a redirection to an entry point's port, an ACME
    /// challenge port): <paramref name="write"/> gets <paramref name="count"/> free ports and returns the config
    /// path. When the child could not listen (another process took a port between the choice and the bind), it
    /// starts again on fresh ports, a few times.
    /// </summary>
    public static async Task<(RunningSwitchyard Run, int[] Ports)> StartOnFreePortsAsync(int count, Func<int[], Task<string>> write, string[] entryPoints,
        bool ready = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = Enumerable.Range(0, count).Select(_ => FreePort()).ToArray();
            var config = await write(ports);
            try
            {
                return (await StartAsync(config, entryPoints, ready, environment), ports);
            }
            catch (ChildExitedException e) when (attempt < 5 && e.Message.Contains("cannot listen", StringComparison.Ordinal))
            {
                TestContext.Out.WriteLine($"attempt {attempt}: a port was taken before switchyard bound it; again on fresh ports");
            }
        }
    }

    /// <summary>
    /// Waits until the child logged each entry point's bound address (and the admin one answers /readyz 200, when
    /// given) and returns the ports; the child exiting first fails at once with its exit code and output.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> WaitListeningAsync(Process process, StringBuilder output, string[] entryPoints, string? readyAt)
    {
        IReadOnlyDictionary<string, int> ports = new Dictionary<string, int>();
        using var http = new HttpClient();
        await UntilAsync(process, output, async () =>
        {
            ports = ListeningPorts(output);
            return entryPoints.All(ports.ContainsKey)
                && (readyAt is null || await IsReadyAsync(http, ports[readyAt]));
        }, ReadyTimeout, readyAt is null ? $"entry points {string.Join(", ", entryPoints)} to listen" : "switchyard to be ready");
        return ports;
    }

    /// <summary>A <see cref="TestKit.Wait"/> on the child that fails at once, with its output, when the child exits.</summary>
    public static Task UntilAsync(Process process, StringBuilder output, Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        TestKit.Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // the output read to its end
                throw new ChildExitedException($"switchyard exited with code {process.ExitCode} before {what}; output:\n{Text(output)}");
            }

            return await condition();
        }, timeout, () => $"{what}; output:\n{Text(output)}");

    /// <summary>The port of each entry point, from the child's "entry point NAME listening on ADDRESS:PORT" lines.</summary>
    public static IReadOnlyDictionary<string, int> ListeningPorts(StringBuilder output) =>
        ListeningLine().Matches(Text(output)).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    public static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    public static async Task<bool> IsReadyAsync(HttpClient http, int adminPort)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{adminPort}/readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
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

    /// <summary>A port free now: only for what must be known before a start (see <see cref="StartOnFreePortsAsync"/>) or a port nothing listens on.</summary>
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

    [GeneratedRegex(@"entry point (\S+) listening on \S*:(\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>The child exited while a test waited on it.</summary>
internal sealed class ChildExitedException(string message) : Exception(message);

/// <summary>A started `switchyard run`: the process, its captured output, the web entry point's port.</summary>
internal sealed record RunningSwitchyard(Process Process, StringBuilder Output, int WebPort)
{
    /// <summary>The port each entry point bound.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
}
