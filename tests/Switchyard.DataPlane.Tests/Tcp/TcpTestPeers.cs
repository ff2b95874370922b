using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Model;
using Switchyard.Routing;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>Real peers of the TCP routing tests: a TCP echo server, a Kestrel TLS backend, Debian's redis-server.</summary>
internal static class TcpTestPeers
{
    /// <summary>A table compiled from manifests, the TCP backend(s) given as Services with one endpoint each.</summary>
    public static RoutingTable Compile(string manifests, params (string Service, int Port)[] backends)
    {
        var yaml = new StringBuilder(manifests);
        foreach (var (service, port) in backends)
        {
            yaml.Append($"""

                ---
                apiVersion: v1
                kind: Service
                metadata: {"{"}name: {service}, namespace: default{"}"}
                spec: {"{"}ports: [{"{"}name: tcp, port: 9000{"}"}]{"}"}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {"{"}name: {service}-a, namespace: default, labels: {"{"}kubernetes.io/service-name: {service}{"}"}{"}"}
                addressType: IPv4
                ports: [{"{"}name: tcp, port: {port}{"}"}]
                endpoints: [{"{"}addresses: [127.0.0.1]{"}"}]
                """);
        }

        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(yaml.ToString(), "tcp.yaml"));
        var errors = result.Diagnostics.Where(d => d.Severity == Model.Diagnostics.Severity.Error).ToList();
        Assert.That(errors, Is.Empty, string.Join("\n", errors.Select(e => e.Message)));
        return result.Table;
    }

    /// <summary>
    /// A handler that dials <paramref name="endpoint"/> whatever the https URL's host (which is then only the SNI and
    /// the Host), trusting any certificate and handing the one the server showed to <paramref name="seen"/>.
    /// </summary>
    public static SocketsHttpHandler DialingTo(IPEndPoint endpoint, Action<X509Certificate2?>? seen = null) => new()
    {
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => { seen?.Invoke(cert is null ? null : new X509Certificate2(cert)); return true; } },
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Echoes every byte back; counts the connections it accepted.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public EchoServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _ = EchoAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task EchoAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                int read;
                while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }

                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>A Kestrel HTTPS backend with its own certificate, answering its name.</summary>
internal sealed class KestrelTlsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelTlsBackend(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public int Port => new Uri(_app.Urls.First()).Port;

    public static async Task<KestrelTlsBackend> StartAsync(string name)
    {
        var certificate = TestCertificates.SelfSigned(name);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        app.MapGet("/", () => $"hello from {name}");
        await app.StartAsync();
        return new KestrelTlsBackend(app, certificate);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Debian's redis-server on 127.0.0.1 and a free port, stopped by its PID.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <param name="port">A port to listen on (a restart on the same port); default: a free one.</param>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            Assert.Fail("/usr/bin/redis-server is missing: run `bash scripts/setup.sh` (scripts/setup.d/50-tcp-peers.sh installs it)");
        }

        var listen = port ?? TcpTestPeers.FreePort();
        var start = new ProcessStartInfo("/usr/bin/redis-server")
        {
            ArgumentList = { "--port", listen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, listen);
        await Wait.UntilAsync(async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, listen);
                return true;
            }
            catch (SocketException)
            {
                return process.HasExited ? throw new InvalidOperationException("redis-server exited") : false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server accepting connections");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
