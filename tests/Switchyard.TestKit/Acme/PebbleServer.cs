using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Switchyard.TestKit.Acme;

/// <summary>
/// Debian's real ACME server (pebble) plus pebble-challtestsrv as its DNS, on 127.0.0.1, for one test.
/// Every name resolves to 127.0.0.1; pebble validates HTTP-01 on <c>httpPort</c> and TLS-ALPN-01 on
/// <c>tlsPort</c> — the ports of the listener under test.
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    private readonly Process _pebble;
    private readonly Process _dns;
    private readonly string _dir;

    private PebbleServer(Process pebble, Process dns, string dir, int port, int managementPort, X509Certificate2 listenerCa)
    {
        _pebble = pebble;
        _dns = dns;
        _dir = dir;
        DirectoryUrl = new Uri($"https://127.0.0.1:{port}/dir");
        ManagementUrl = new Uri($"https://127.0.0.1:{managementPort}/");
        ListenerCa = listenerCa;
    }

    public const string PebblePath = "/usr/bin/pebble";
    public const string ChallTestSrvPath = "/usr/bin/pebble-challtestsrv";

    public static bool IsInstalled => File.Exists(PebblePath) && File.Exists(ChallTestSrvPath);

    public Uri DirectoryUrl { get; }

    public Uri ManagementUrl { get; }

    /// <summary>The CA of pebble's own HTTPS listener (trust it per HttpClient, never system-wide).</summary>
    public X509Certificate2 ListenerCa { get; }

    /// <summary>Everything pebble printed (for failure messages).</summary>
    public string Log => File.Exists(Path.Combine(_dir, "pebble.log")) ? File.ReadAllText(Path.Combine(_dir, "pebble.log")) : "";

    /// <param name="httpPort">Port pebble connects to for HTTP-01.</param>
    /// <param name="tlsPort">Port pebble connects to for TLS-ALPN-01.</param>
    /// <param name="rejectNonces">Keep pebble's default 5% badNonce rejection (PEBBLE_WFE_NONCEREJECT).</param>
    public static async Task<PebbleServer> StartAsync(int httpPort, int tlsPort, bool rejectNonces = false)
    {
        // Free ports are picked, released, then bound by pebble: another process can take one in between
        // (seen once in ~12 suite runs). Such a start is retried on new ports; any other failure is not.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(httpPort, tlsPort, rejectNonces);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private sealed class PortTakenException(string log) : Exception("pebble could not bind a port: " + log);

    private static async Task<PebbleServer> StartOnceAsync(int httpPort, int tlsPort, bool rejectNonces)
    {
        var dir = Directory.CreateTempSubdirectory("pebble-").FullName;
        var ca = TestCertificates.CreateCa("Pebble listener test CA");
        using var listener = TestCertificates.IssueServer(ca, "localhost", "pebble");
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), TestCertificates.CertificatePem(listener));
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), TestCertificates.PrivateKeyPem(listener));
        int port = FreePort(), mgmt = FreePort(), dnsPort = FreePort(), dnsMgmt = FreePort();
        var config = new
        {
            pebble = new
            {
                listenAddress = $"127.0.0.1:{port}",
                managementListenAddress = $"127.0.0.1:{mgmt}",
                certificate = Path.Combine(dir, "cert.pem"),
                privateKey = Path.Combine(dir, "key.pem"),
                httpPort,
                tlsPort,
                ocspResponderURL = "",
                externalAccountBindingRequired = false,
            },
        };
        await File.WriteAllTextAsync(Path.Combine(dir, "pebble.json"), JsonSerializer.Serialize(config));

        var dns = Start(ChallTestSrvPath, dir, "challtestsrv.log", new Dictionary<string, string>(),
            "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", $"127.0.0.1:{dnsPort}",
            "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", $"127.0.0.1:{dnsMgmt}");
        var env = new Dictionary<string, string> { ["PEBBLE_VA_NOSLEEP"] = "1" };
        env["PEBBLE_WFE_NONCEREJECT"] = rejectNonces ? "5" : "0";
        var pebble = Start(PebblePath, dir, "pebble.log", env,
            "-config", Path.Combine(dir, "pebble.json"), "-dnsserver", $"127.0.0.1:{dnsPort}");
        var server = new PebbleServer(pebble, dns, dir, port, mgmt, ca);
        using var http = server.CreateHttpClient();
        try
        {
            await WaitUntilServingAsync(server, pebble, http);
        }
        catch
        {
            // Whatever went wrong, pebble and challtestsrv are stopped (a failed start used to leave challtestsrv).
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static Task WaitUntilServingAsync(PebbleServer server, Process pebble, HttpClient http) =>
        Wait.UntilAsync(async () =>
        {
            if (pebble.HasExited)
            {
                var log = server.Log;
                throw log.Contains("address already in use", StringComparison.Ordinal)
                    ? new PortTakenException(log)
                    : new InvalidOperationException("pebble exited: " + log);
            }

            try
            {
                using var r = await http.GetAsync(server.DirectoryUrl);
                return r.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "pebble to answer its directory");

    /// <summary>An HttpClient that trusts pebble's listener CA only.</summary>
    public HttpClient CreateHttpClient() => new(CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };

    public SocketsHttpHandler CreateHandler()
    {
        var ca = ListenerCa;
        return new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                },
            },
        };
    }

    /// <summary>The root that signs issued certificates (pebble makes a new one per start).</summary>
    public async Task<X509Certificate2> GetIssuingRootAsync()
    {
        using var http = CreateHttpClient();
        var pem = await http.GetStringAsync(new Uri(ManagementUrl, "roots/0"));
        return X509Certificate2.CreateFromPem(pem);
    }

    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static Process Start(string exe, string dir, string logName, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + exe);
        var log = new StreamWriter(Path.Combine(dir, logName)) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in new[] { _pebble, _dns })
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            p.Dispose();
        }

        ListenerCa.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
