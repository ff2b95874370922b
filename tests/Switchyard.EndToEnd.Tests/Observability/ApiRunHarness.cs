using System.Diagnostics;
using System.Text;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>
/// `switchyard run` with api.insecure over a manifest folder: an echo route to a live backend, a "down" route whose
/// only server refuses connections (active gRPC health check) and a broken route (its Service does not exist).
/// </summary>
internal sealed class ApiRunHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _dir;
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ApiRunHarness(DirectoryInfo dir, Process process, StringBuilder output, int admin)
    {
        _dir = dir;
        _process = process;
        _output = output;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin}") };
    }

    public HttpClient Admin { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public string Manifests => Path.Combine(_dir.FullName, "manifests");

    public static async Task<ApiRunHarness> StartAsync(int backendPort)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-api-run-");
        Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
              admin:
                address: "127.0.0.1:0"
                admin: true
            api:
              insecure: true
            metrics:
              prometheus: {"{}"}
            providers:
              file:
                directory: manifests
            """);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "echo.yaml"), RunCommandTests.Manifest(backendPort));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "down.yaml"), Route("down", SwitchyardProcess.FreePort(), healthCheck: true));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "broken.yaml"), """
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata:
              name: broken
              namespace: default
            spec:
              entryPoints: [web]
              routes:
                - kind: Rule
                  match: Host(`broken.test`)
                  services:
                    - name: missing
                      port: 80
            """);
        try
        {
            var run = await SwitchyardProcess.StartAsync(Path.Combine(dir.FullName, "switchyard.yaml"), ["web", "admin"]);
            return new ApiRunHarness(dir, run.Process, run.Output, run.Ports["admin"]);
        }
        catch
        {
            dir.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A Service, its EndpointSlice on 127.0.0.1:<paramref name="port"/> and an IngressRoute to it for Host(name.test).</summary>
    public static string Route(string name, int port, bool healthCheck = false) =>
        EchoManifest.Route(name, $"Host(`{name}.test`)", port, healthCheck);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await SwitchyardProcess.StopAsync(_process);
        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
