using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Bench.Greet;
using Grpc.Net.Client;

/// <summary>
/// One round of the latency scenario across every target in one warm process (issue 21 item 3): an open loop at a fixed
/// rate per target, paced by absolute-time sleeps on a thread of its own (no Task.Delay bursts, no thread-pool timer),
/// targets taken in short slices, one after another and rotated every cycle, so a proxy's calls and the direct ones
/// share the same seconds of machine noise. Warm-up calls (before the round and at the start of each slice, when the
/// target's threads may have gone to sleep while the others ran) are excluded. Two channels to the backend itself
/// ("direct", "direct-b") give the client's own noise floor: their difference should be ~0.
/// </summary>
internal static class LatencyRounds
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;

    /// <summary>Args: RATE SLICE_MS CYCLES SKIP name=url ... ; prints one "latency name=... p50=..." line per target.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = int.Parse(args[0], CultureInfo.InvariantCulture);
        var sliceMs = int.Parse(args[1], CultureInfo.InvariantCulture);
        var cycles = int.Parse(args[2], CultureInfo.InvariantCulture);
        var skip = int.Parse(args[3], CultureInfo.InvariantCulture);
        var targets = args[4..].Select(a => a.Split('=', 2)).Select(kv => new Target(kv[0], kv[1])).ToArray();
        var perSlice = rate * sliceMs / 1000;

        // Warm-up, excluded: connections open, the client's and the targets' code tiered up.
        foreach (var t in targets)
        {
            for (var i = 0; i < 200; i++)
            {
                await t.Client.SayHelloAsync(new HelloRequest { Name = "warm" });
            }
        }

        var done = new TaskCompletionSource();
        var pacer = new Thread(() =>
        {
            try
            {
                for (var c = 0; c < cycles; c++)
                {
                    for (var k = 0; k < targets.Length; k++)
                    {
                        Slice(targets[(c + k) % targets.Length], rate, perSlice, skip);
                    }
                }

                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "pacer" };
        pacer.Start();
        await done.Task;

        var errors = 0;
        foreach (var t in targets)
        {
            var lat = t.Latencies.ToArray();
            Array.Sort(lat);
            double P(double q) => lat.Length == 0 ? 0 : lat[Math.Min(lat.Length - 1, (int)(q * lat.Length))];
            Console.WriteLine(FormattableString.Invariant(
                $"latency name={t.Name} p50={P(0.50):0} p90={P(0.90):0} p99={P(0.99):0} calls={lat.Length} errors={t.Errors}"));
            errors += t.Errors;
        }

        return errors == 0 ? 0 : 1;
    }

    // One target's slice: calls at 1/rate intervals from absolute due times; the slice ends when its last call has.
    private static void Slice(Target t, int rate, int calls, int skip)
    {
        var pending = new Task[calls];
        var interval = Stopwatch.Frequency / rate;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            SleepUntil(t0 + i * interval);
            pending[i] = OneAsync(t, i >= skip);
        }

        Task.WaitAll(pending);
    }

    private static async Task OneAsync(Target t, bool record)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await t.Client.SayHelloAsync(t.Request);
        }
        catch (Grpc.Core.RpcException)
        {
            Interlocked.Increment(ref t.Errors);
            return;
        }

        var us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (record)
        {
            lock (t.Latencies)
            {
                t.Latencies.Add(us);
            }
        }
    }

    // Stopwatch is CLOCK_MONOTONIC in nanoseconds on Linux: sleep to the absolute due time (timer slack ~50 µs).
    private static void SleepUntil(long timestamp)
    {
        var ns = timestamp * (1_000_000_000 / Stopwatch.Frequency);
        var due = new TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        while (clock_nanosleep(ClockMonotonic, TimerAbsTime, ref due, IntPtr.Zero) == 4) // EINTR
        {
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int clock_nanosleep(int clock, int flags, ref TimeSpec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private sealed class Target
    {
        public Target(string name, string url)
        {
            Name = name;
            // A channel (and so a connection) per target: "direct" and "direct-b" are two connections to the backend.
            Channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });
            Client = new Greeter.GreeterClient(Channel);
        }

        public string Name { get; }
        public GrpcChannel Channel { get; }
        public Greeter.GreeterClient Client { get; }
        public HelloRequest Request { get; } = new() { Name = "l" };
        public List<double> Latencies { get; } = new(8192);
        public int Errors;
    }
}
