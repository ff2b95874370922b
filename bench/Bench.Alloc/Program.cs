using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model;
using Switchyard.Routing;
using Yarp.ReverseProxy.Forwarder;

// Usage: Bench.Alloc BACKEND_PORT [CALLS] [ROUNDS]
// Hosts bare YARP and a Switchyard data plane (greeter route + rateLimit/headers chain route, as in bench.py)
// in this process, drives each with h2load (pinned to LOAD_CPU, default 0) and reports, per proxied call,
// the bytes this process allocated (GC.GetTotalAllocatedBytes(precise: true) delta / calls) and its CPU µs.
// Allocation counts do not depend on machine noise; CPU is comparable only as a ratio within one run.
var inv = CultureInfo.InvariantCulture;
var backendPort = int.Parse(args[0], inv);
var calls = args.Length > 1 ? int.Parse(args[1], inv) : 20000;
var rounds = args.Length > 2 ? int.Parse(args[2], inv) : 3;
var loadCpu = Environment.GetEnvironmentVariable("LOAD_CPU") ?? "0";
var conns = Environment.GetEnvironmentVariable("CONNS") ?? "32";
var streams = Environment.GetEnvironmentVariable("STREAMS") ?? "16";

// --- bare YARP, exactly as Bench.BareYarp.
var yarpBuilder = WebApplication.CreateSlimBuilder();
yarpBuilder.Logging.ClearProviders();
yarpBuilder.Services.AddHttpForwarder();
yarpBuilder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
});
var yarp = yarpBuilder.Build();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
});
var yarpConfig = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
var forwarder = yarp.Services.GetRequiredService<IHttpForwarder>();
var backendUrl = $"http://127.0.0.1:{backendPort}";
yarp.Run(async ctx => await forwarder.SendAsync(ctx, backendUrl, invoker, yarpConfig, HttpTransformer.Empty));
await yarp.StartAsync();
var yarpPort = new Uri(yarp.Urls.First()).Port;

// --- Switchyard: the same manifests bench.py writes, compiled and swapped into a real data plane.
var manifest = """
apiVersion: v1
kind: Service
metadata: {name: greeter, namespace: bench}
spec:
  ports: [{name: grpc, port: 80, targetPort: @BACKEND@}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: greeter-1
  namespace: bench
  labels: {kubernetes.io/service-name: greeter}
addressType: IPv4
ports: [{name: grpc, port: @BACKEND@}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true, serving: true}}]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: limit, namespace: bench}
spec:
  rateLimit: {average: 1000000, burst: 1000000}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: proto, namespace: bench}
spec:
  headers:
    customRequestHeaders: {X-Forwarded-Proto: https, X-Bench: "1"}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: greeter, namespace: bench}
spec:
  entryPoints: [web]
  routes:
    - match: PathPrefix(`/greet.Greeter`)
      kind: Rule
      services: [{name: greeter, port: 80, scheme: h2c}]
    - match: Host(`chain.bench`) && PathPrefix(`/greet.Greeter`)
      kind: Rule
      middlewares: [{name: limit}, {name: proto}]
      services: [{name: greeter, port: 80, scheme: h2c}]
""".Replace("@BACKEND@", backendPort.ToString(inv), StringComparison.Ordinal);
var compiled = RoutingCompiler.Compile(ManifestLoader.LoadText(manifest, "bench.yaml"));
using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
await using var host = DataPlaneHost.Create([new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }], loggerFactory);
await host.StartAsync();
host.Tables.Swap(compiled.Table);
var swPort = host.Endpoint("web").Port;

// The proxies run on this process's CPU(s); h2load and the backend on LOAD_CPU (set by the caller's taskset).
var body = Path.Combine(Path.GetTempPath(), $"bench-alloc-{Environment.ProcessId}.bin");
byte[] msg = [0x0a, 0x05, .. "world"u8];
File.WriteAllBytes(body, [0, 0, 0, 0, (byte)msg.Length, .. msg]);

var targets = new (string Name, int Port, string[] Extra)[]
{
    ("yarp", yarpPort, []),
    ("switchyard", swPort, []),
    ("switchyard-chain", swPort, [":authority: chain.bench"]),
};
var results = targets.ToDictionary(t => t.Name, _ => (Bytes: new List<double>(), Cpu: new List<double>()));
foreach (var t in targets)
{
    H2load(t.Port, Math.Max(2000, calls / 5), t.Extra); // warm-up: JIT tiers, pools, connections
}

var me = Process.GetCurrentProcess();
for (var r = 0; r < rounds; r++)
{
    foreach (var t in targets)
    {
        GC.Collect();
        me.Refresh();
        var cpu0 = me.TotalProcessorTime;
        var a0 = GC.GetTotalAllocatedBytes(precise: true);
        var ok = H2load(t.Port, calls, t.Extra);
        var a1 = GC.GetTotalAllocatedBytes(precise: true);
        me.Refresh();
        var cpu1 = me.TotalProcessorTime;
        if (ok < calls)
        {
            Console.Error.WriteLine($"{t.Name}: only {ok}/{calls} 2xx");
        }

        results[t.Name].Bytes.Add((a1 - a0) / (double)Math.Max(ok, 1));
        results[t.Name].Cpu.Add((cpu1 - cpu0).TotalMicroseconds / Math.Max(ok, 1));
    }
}

File.Delete(body);
static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

var yarpBytes = Median(results["yarp"].Bytes);
var yarpCpu = Median(results["yarp"].Cpu);
Console.WriteLine($"| proxy | bytes/call | × yarp | CPU µs/call | × yarp |   ({rounds} rounds × {calls} calls, c={conns} m={streams})");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var t in targets)
{
    var b = Median(results[t.Name].Bytes);
    var c = Median(results[t.Name].Cpu);
    Console.WriteLine(string.Create(inv, $"| {t.Name} | {b:F0} | {b / yarpBytes:F2} | {c:F1} | {c / yarpCpu:F2} |"));
}

await host.DisposeAsync();
await yarp.StopAsync();
return 0;

int H2load(int port, int n, string[] extra)
{
    var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in (string[])["-c", loadCpu, "h2load", "-n", n.ToString(inv), "-c", conns, "-m", streams, "-d", body,
                 "-H", "content-type: application/grpc", "-H", "te: trailers"])
    {
        psi.ArgumentList.Add(a);
    }

    foreach (var h in extra)
    {
        psi.ArgumentList.Add("-H");
        psi.ArgumentList.Add(h);
    }

    psi.ArgumentList.Add($"http://127.0.0.1:{port}/greet.Greeter/SayHello");
    using var p = Process.Start(psi)!;
    var stdout = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    var m = Regex.Match(stdout, @"status codes: (\d+) 2xx");
    return m.Success ? int.Parse(m.Groups[1].Value, inv) : 0;
}
