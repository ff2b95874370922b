using System.Diagnostics;
using Bench.Greet;
using Grpc.Core;
using Grpc.Net.Client;

// Usage:
//   Bench.Client check URL N                 N unary calls; every reply must carry its own message and status OK
//   Bench.Client latency URL RATE SECONDS    open loop at RATE calls/s; prints p50 p90 p99 (µs) and errors
//   Bench.Client rounds RATE SLICE_MS CYCLES SKIP name=URL ...   one latency round over every target (LatencyRounds.cs)
//   Bench.Client stream URL MESSAGES         one server stream; prints messages/s
//   Bench.Client load URL SECONDS WORKERS    closed loop; prints "ok N failed M" (for the hot-swap scenario)
var mode = args[0];
if (mode == "rounds")
{
    return await LatencyRounds.RunAsync(args[1..]);
}

var url = args[1];
using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var client = new Greeter.GreeterClient(channel);
string I(int x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture);
switch (mode)
{
    case "check":
    {
        var n = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < n; i++)
        {
            var reply = await client.SayHelloAsync(new HelloRequest { Name = "bench-" + I(i) });
            if (reply.Message != "Hello bench-" + I(i))
            {
                Console.WriteLine($"integrity: FAILED at call {i}: '{reply.Message}'");
                return 1;
            }
        }

        Console.WriteLine($"integrity: ok {n}");
        return 0;
    }

    case "latency":
    {
        var rate = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var seconds = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        await client.SayHelloAsync(new HelloRequest { Name = "warm" });
        var total = rate * seconds;
        var lat = new double[total];
        var errors = 0;
        var tasks = new Task[total];
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - sw.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var idx = i;
            tasks[i] = Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await client.SayHelloAsync(new HelloRequest { Name = "l" });
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }

                lat[idx] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            });
        }

        await Task.WhenAll(tasks);
        Array.Sort(lat);
        double P(double q) => lat[Math.Min(lat.Length - 1, (int)(q * lat.Length))];
        Console.WriteLine($"latency_us p50={P(0.50):0} p90={P(0.90):0} p99={P(0.99):0} calls={total} errors={errors}");
        return errors == 0 ? 0 : 1;
    }

    case "stream":
    {
        var n = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var sw = Stopwatch.StartNew();
        using var call = client.StreamHellos(new HelloRequest { Name = "s", Count = n });
        var got = 0;
        await foreach (var m in call.ResponseStream.ReadAllAsync())
        {
            got++;
        }

        Console.WriteLine($"stream messages={got} per_second={got / sw.Elapsed.TotalSeconds:0}");
        return got == n ? 0 : 1;
    }

    case "load":
    {
        var seconds = double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var workers = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        long ok = 0, failed = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            while (until.Elapsed.TotalSeconds < seconds)
            {
                try
                {
                    var r = await client.SayHelloAsync(new HelloRequest { Name = "w" + I(w) });
                    if (r.Message == "Hello w" + I(w))
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        Console.WriteLine($"load ok={ok} failed={failed}");
        return failed == 0 ? 0 : 1;
    }

    case "propagate":
    {
        // Writes a new IngressRoute for host p<i>.bench into the manifest folder, then calls that host until the
        // gateway routes it; the time from the write to the first routed call is the propagation latency.
        var folder = args[2];
        var n = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, "propagate.yaml");
        var samples = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var host = $"p{I(i)}.bench";
            using var hostChannel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = new AuthorityHandler(host) { InnerHandler = new SocketsHttpHandler() },
            });
            var hostClient = new Greeter.GreeterClient(hostChannel);
            await hostClient.SayHelloAsync(new HelloRequest { Name = "connect" }).ResponseHeadersAsync.ContinueWith(_ => 0);
            var text = $"apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {{name: propagate, namespace: bench}}\nspec:\n  entryPoints: [web]\n  routes:\n    - match: Host(`{host}`)\n      kind: Rule\n      priority: 100000\n      services: [{{name: greeter, port: 80, scheme: h2c}}]\n";
            File.WriteAllText(path + ".tmp", text);
            var sw = Stopwatch.StartNew();
            File.Move(path + ".tmp", path, true);
            while (true)
            {
                try
                {
                    await hostClient.SayHelloAsync(new HelloRequest { Name = "p" });
                    break;
                }
                catch (RpcException) when (sw.Elapsed < TimeSpan.FromSeconds(10))
                {
                }
            }

            samples.Add(sw.Elapsed.TotalMilliseconds);
        }

        File.Delete(path);
        samples.Sort();
        double Q(double q) => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        Console.WriteLine($"propagation_ms p50={Q(0.5):0.0} p99={Q(0.99):0.0} max={samples[^1]:0.0} n={n}");
        return 0;
    }

    default:
        Console.Error.WriteLine("unknown mode " + mode);
        return 2;
}

/// <summary>Sends every call with a fixed :authority, so host-based routes can be reached on 127.0.0.1.</summary>
internal sealed class AuthorityHandler(string authority) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Host = authority;
        return base.SendAsync(request, cancellationToken);
    }
}
