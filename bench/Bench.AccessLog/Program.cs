using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.Tests.Observability;

// The json access log formatter alone: CPU ns per line (the process's CPU time over LINES lines, so time other
// processes take on a loaded machine does not count) and bytes allocated per line
// (GC.GetAllocatedBytesForCurrentThread) of the previous formatter (the test suite's oracle copy) and the current
// one, in interleaved rounds in this one process, over entries shaped like the bench's gRPC calls (plus a few with
// forwarded-for, IPv6 clients, errors and values that need escaping). Lines go to a batch buffer reset every 256
// lines, as the writer's batches are. Usage: LINES=200000 ROUNDS=7 dotnet run -c Release --project bench/Bench.AccessLog
// COLD=1: formatted as in place — 16 384 entries each with its own strings and address, in batches of 400 lines (a
// write's worth under load) with 64 MB of memory swept between batches (the calls' work between two batches evicts
// the writer's data); only the batches' formatting counts.
var inv = CultureInfo.InvariantCulture;
var lines = int.Parse(Environment.GetEnvironmentVariable("LINES") ?? "200000", inv);
var rounds = int.Parse(Environment.GetEnvironmentVariable("ROUNDS") ?? "7", inv);
var options = new AccessLogOptions { Format = AccessLogFormat.Json };
var cold = Environment.GetEnvironmentVariable("COLD") == "1";
var sweep = cold ? new byte[64 << 20] : [];
var entries = Entries(cold ? 16384 : 1024, cold);
var previous = new PreviousJsonLineFormatter(options);
var current = new JsonLineFormatter(options);
var formatters = new (string Name, Action<AccessLogEntry, IBufferWriter<byte>> Write)[] { ("previous", previous.Write), ("current", current.Write) };
var buffer = new ArrayBufferWriter<byte>(1 << 20);
var results = formatters.ToDictionary(f => f.Name, _ => new List<(double Ns, double Bytes, double Size)>());

foreach (var (_, write) in formatters)
{
    Run(write, lines); // warm-up: tier-1 code before any round counts
}

for (var r = 0; r < rounds; r++)
{
    foreach (var (name, write) in formatters)
    {
        results[name].Add(Run(write, lines));
    }
}

foreach (var (name, list) in results)
{
    var ns = list.Select(x => x.Ns).Order().ToList();
    Console.WriteLine(string.Create(inv, $"{name,-9} ns/line {ns[ns.Count / 2],7:F0} (min {ns[0]:F0}, max {ns[^1]:F0})  bytes allocated/line {list.Max(x => x.Bytes):F2}  line {list[0].Size:F0} bytes"));
}

var ratios = Enumerable.Range(0, rounds).Select(i => results["current"][i].Ns / results["previous"][i].Ns).Order().ToList();
Console.WriteLine(string.Create(inv, $"current / previous, paired per round: {ratios[ratios.Count / 2]:F2} ({string.Join(", ", ratios.Select(x => x.ToString("F2", inv)))})"));

(double Ns, double Bytes, double Size) Run(Action<AccessLogEntry, IBufferWriter<byte>> write, int count)
{
    long written = 0;
    buffer.ResetWrittenCount();
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var elapsed = TimeSpan.Zero;
    var batch = cold ? 400 : count;
    for (var done = 0; done < count; done += batch)
    {
        if (cold)
        {
            Sweep();
        }

        var start = Environment.CpuUsage.TotalTime;
        for (var i = done; i < Math.Min(count, done + batch); i++)
        {
            write(entries[i & (entries.Length - 1)], buffer);
            if (!cold && (i & 255) == 255)
            {
                written += buffer.WrittenCount;
                buffer.ResetWrittenCount();
            }
        }

        elapsed += Environment.CpuUsage.TotalTime - start;
        if (cold)
        {
            written += buffer.WrittenCount;
            buffer.ResetWrittenCount();
        }
    }

    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    written += buffer.WrittenCount;
    return (elapsed.TotalNanoseconds / count, (double)allocated / count, (double)written / count);
}

void Sweep()
{
    for (var i = 0; i < sweep.Length; i += 64)
    {
        sweep[i]++;
    }
}

static AccessLogEntry[] Entries(int count, bool distinct)
{
    var start = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
    var ticks = Stopwatch.GetTimestamp();
    var result = new AccessLogEntry[count];
    for (var i = 0; i < count; i++)
    {
        var odd = i % 97 == 0;
        var e = new AccessLogEntry
        {
            StartTimestamp = ticks,
            EndTimestamp = ticks + (Stopwatch.Frequency / 1000) + i * 37,
            StartUtc = start.AddTicks(i * 3_917L),
            EntryPoint = "web",
            RouterName = "default-greeter-6c3f2a@kubernetescrd",
            ServiceName = "default-greeter-80",
            // Cold: each call's own address object, as Kestrel gives each connection's.
            ClientAddress = i % 31 == 0 ? IPAddress.IPv6Loopback : distinct ? new IPAddress(IPAddress.Loopback.GetAddressBytes()) : IPAddress.Loopback,
            ClientPort = 40_000 + i,
            ForwardedFor = i % 13 == 0 ? "203.0.113.7, 10.0.0.1" : null,
            // Kestrel hands each request its own path and host strings; the route's names and the server URL are
            // the same instances on every call.
            Host = new string("127.0.0.1:8700"),
            Method = "POST",
            Path = new string(odd ? "/greet.Greeter/Say\"Hel\\lo\u00e9" : "/greet.Greeter/SayHello"),
            Query = i % 7 == 0 ? "?a=1&b=2" : "",
            Protocol = "HTTP/2",
            RequestContentLength = 12,
            DownstreamStatus = 200,
            DownstreamContentLength = 17 + (i % 5),
            GrpcProtocol = Switchyard.DataPlane.Metrics.RequestLabels.Grpc,
            GrpcStatus = i % 50 == 0 ? 14 : 0,
            GrpcMessage = i % 50 == 0 ? "upstream\tunavailable" : null,
            RequestCount = i,
            ServiceUrl = "http://127.0.0.1:9111",
            OriginStatus = 200,
            OriginTicks = Stopwatch.Frequency / 2000,
            Attempts = 1,
        };
        result[i] = e;
    }

    return result;
}
