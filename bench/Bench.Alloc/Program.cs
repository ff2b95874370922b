using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model;
using Switchyard.Routing;
using Yarp.ReverseProxy.Forwarder;

// Usage: Bench.Alloc BACKEND_PORT [CALLS] [ROUNDS]   (METRICS=1 adds a data plane with Prometheus metrics on;
// OBS=accesslog,tracing-1.0,tracing-0.1 adds data planes with the access log on (json, to a file) and tracing on at
// sampleRate 1.0 / 0.1, OTLP/gRPC to the backend's OTLP receiver, as bench.py's accesslog scenario; tracer providers
// listen process-wide, so measure one tracing variant per run)
// Hosts bare YARP and a Switchyard data plane (greeter route + rateLimit/headers chain route, as in bench.py)
// in this process, drives each with h2load (pinned to LOAD_CPU, default 0) and reports, per proxied call,
// the bytes this process allocated (GC.GetTotalAllocatedBytes(precise: true) delta / calls) and its CPU µs.
// Allocation counts do not depend on machine noise; CPU is comparable only as a ratio within one run.
if (Environment.GetEnvironmentVariable("POOL") is { } pool)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION", pool);
}

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

// --- issue 21's alternative: the same Kestrel front, the purpose-built h2c upstream client (Forwarding/Http2Upstream).
var h2upBuilder = WebApplication.CreateSlimBuilder();
h2upBuilder.Logging.ClearProviders();
h2upBuilder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
});
var h2up = h2upBuilder.Build();
var h2upForwarder = new Switchyard.DataPlane.Forwarding.Http2Upstream.GrpcUpstreamForwarder(
    new Switchyard.DataPlane.Forwarding.Http2Upstream.UpstreamPool(new IPEndPoint(IPAddress.Loopback, backendPort)));
h2up.Run(h2upForwarder.ForwardAsync);
await h2up.StartAsync();
var h2upPort = new Uri(h2up.Urls.First()).Port;

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

// METRICS=1: a second data plane with Prometheus metrics on (all label sets, routers too), measured as
// "switchyard-metrics" beside the first (metrics off) in the same run.
var metricsHost = Environment.GetEnvironmentVariable("METRICS") == "1"
    ? DataPlaneHost.Create(
        [
            new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new EntryPointOptions { Name = "admin", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Admin = true },
        ], loggerFactory, metrics: new Switchyard.DataPlane.Metrics.MetricsOptions { EntryPoint = "admin", AddRoutersLabels = true })
    : null;
if (metricsHost is not null)
{
    await metricsHost.StartAsync();
    metricsHost.Tables.Swap(compiled.Table);
}

// OBS: the observability variants of bench.py's accesslog scenario, each its own data plane beside the first.
var obsHosts = new List<(string Name, DataPlaneHost Host)>();
var accessLogPath = Path.Combine(Path.GetTempPath(), $"bench-alloc-{Environment.ProcessId}.log");
if (Environment.GetEnvironmentVariable("OBS") is { } obs)
{
    var otlp = new Uri($"http://127.0.0.1:{backendPort}");
    (string, Switchyard.DataPlane.AccessLog.AccessLogOptions?, Switchyard.DataPlane.Tracing.TracingOptions?)[] variants =
    [
        ("switchyard-accesslog", new() { FilePath = accessLogPath, Format = Switchyard.DataPlane.AccessLog.AccessLogFormat.Json }, null),
        ("switchyard-tracing-1.0", null, new() { SampleRate = 1.0, Endpoint = otlp }),
        ("switchyard-tracing-0.1", null, new() { SampleRate = 0.1, Endpoint = otlp }),
    ];
    foreach (var (name, accessLog, tracing) in variants.Where(v => obs.Split(',').Contains(v.Item1["switchyard-".Length..])))
    {
        var h = DataPlaneHost.Create([new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }], loggerFactory,
            accessLog: accessLog, tracing: tracing);
        await h.StartAsync();
        h.Tables.Swap(compiled.Table);
        obsHosts.Add((name, h));
    }
}

// The proxies run on this process's CPU(s); h2load and the backend on LOAD_CPU (set by the caller's taskset).
var body = Path.Combine(Path.GetTempPath(), $"bench-alloc-{Environment.ProcessId}.bin");
byte[] msg = [0x0a, 0x05, .. "world"u8];
File.WriteAllBytes(body, [0, 0, 0, 0, (byte)msg.Length, .. msg]);

var targets = new (string Name, int Port, string[] Extra)[]
{
    ("yarp", yarpPort, []),
    ("h2up", h2upPort, []),
    ("switchyard", swPort, []),
    ("switchyard-chain", swPort, [":authority: chain.bench"]),
};
if (metricsHost is not null)
{
    targets = [.. targets, ("switchyard-metrics", metricsHost.Endpoint("web").Port, [])];
}

targets = [.. targets, .. obsHosts.Select(o => (o.Name, o.Host.Endpoint("web").Port, Array.Empty<string>()))];

// ONLY=switchyard (a name prefix) measures just that proxy, e.g. while a profiler is attached.
var only = Environment.GetEnvironmentVariable("ONLY");
if (only is not null)
{
    targets = [.. targets.Where(t => t.Name == "yarp" || t.Name.StartsWith(only, StringComparison.Ordinal))];
}

var results = targets.ToDictionary(t => t.Name, _ => (Bytes: new List<double>(), Cpu: new List<double>(), WorkItems: new List<double>()));
foreach (var t in targets)
{
    H2load(t.Port, Math.Max(2000, calls / 5), t.Extra); // warm-up: JIT tiers, pools, connections
}

// ALLOC_TYPES=1: also print the sampled allocation breakdown (GC AllocationTick, one event per ~100 KB) per proxy.
using var ticks = Environment.GetEnvironmentVariable("ALLOC_TYPES") == "1" ? new AllocationTicks() : null;
var me = Process.GetCurrentProcess();
for (var r = 0; r < rounds; r++)
{
    foreach (var t in targets)
    {
        GC.Collect();
        me.Refresh();
        var cpu0 = me.TotalProcessorTime;
        var a0 = GC.GetTotalAllocatedBytes(precise: true);
        var w0 = ThreadPool.CompletedWorkItemCount;
        ticks?.Reset();
        var ok = H2load(t.Port, calls, t.Extra);
        ticks?.Print(t.Name, ok);
        var a1 = GC.GetTotalAllocatedBytes(precise: true);
        var w1 = ThreadPool.CompletedWorkItemCount;
        me.Refresh();
        var cpu1 = me.TotalProcessorTime;
        if (ok < calls)
        {
            Console.Error.WriteLine($"{t.Name}: only {ok}/{calls} 2xx");
        }

        results[t.Name].Bytes.Add((a1 - a0) / (double)Math.Max(ok, 1));
        results[t.Name].Cpu.Add((cpu1 - cpu0).TotalMicroseconds / Math.Max(ok, 1));
        results[t.Name].WorkItems.Add((w1 - w0) / (double)Math.Max(ok, 1));
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
Console.WriteLine($"| proxy | bytes/call | × yarp | CPU µs/call | × yarp | thread-pool items/call |   ({rounds} rounds × {calls} calls, c={conns} m={streams})");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var t in targets)
{
    var b = Median(results[t.Name].Bytes);
    var c = Median(results[t.Name].Cpu);
    Console.WriteLine(string.Create(inv, $"| {t.Name} | {b:F0} | {b / yarpBytes:F2} | {c:F1} | {c / yarpCpu:F2} | {Median(results[t.Name].WorkItems):F2} |"));
}

foreach (var (name, h) in obsHosts)
{
    if (h.AccessLog is { } log)
    {
        Console.WriteLine(string.Create(inv, $"{name}: {log.Written} lines in {log.Batches} writes ({log.Written / (double)Math.Max(log.Batches, 1):F1} lines/write), {log.Dropped} dropped"));
    }
}

await host.DisposeAsync();
if (metricsHost is not null)
{
    await metricsHost.DisposeAsync();
}

foreach (var (name, h) in obsHosts)
{
    await h.DisposeAsync();
    if (h.Tracing is { } tracing)
    {
        // Known once the provider shut down: the SDK reports the spans its full export queue dropped then.
        Console.WriteLine(string.Create(inv, $"{name}: {tracing.DroppedSpans} spans dropped by the full export queue"));
    }
}

File.Delete(accessLogPath);

await yarp.StopAsync();
await h2up.StopAsync();
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

/// <summary>Sampled allocations by type (AllocationTick: ~100 KB apart, so a type's share is its byte share).</summary>
internal sealed class AllocationTicks : System.Diagnostics.Tracing.EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _bytes = new();

    public void Reset() => _bytes.Clear();

    public void Print(string name, int calls)
    {
        Console.WriteLine($"-- {name}: sampled bytes/call by type");
        foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(int.TryParse(Environment.GetEnvironmentVariable("ALLOC_TOP"), out var top) ? top : 12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {bytes / (double)Math.Max(calls, 1),9:F0}  {type}"));
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is not { } n || !n.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        var amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
        var sizeIndex = e.PayloadNames.IndexOf("ObjectSize");
        var size = sizeIndex >= 0 ? Convert.ToInt64(e.Payload[sizeIndex], CultureInfo.InvariantCulture) : 0;
        var key = size >= 1024 ? $"{type} ({size / 1024} KB objects)" : type;
        _bytes.AddOrUpdate(key, amount, (_, v) => v + amount);
    }
}
