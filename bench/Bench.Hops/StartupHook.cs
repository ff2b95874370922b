/// <summary>
/// Loaded by the runtime before Main (<c>DOTNET_STARTUP_HOOKS</c>): every 100 ms it writes the process's
/// <see cref="ThreadPool.CompletedWorkItemCount"/> (every hop through the thread pool: a socket completion, Kestrel's
/// IOQueue, a stream's request, a pipe or signal continuation) to <c>$BENCH_HOPS_DIR/hops-&lt;pid&gt;</c>. The bench
/// reads it around a latency round while the process is idle, so the delta divided by the calls is the hops per call;
/// the GC's counts follow on the same line (read around the CPU measurements: GC work per call).
/// Then the bytes the GC promoted out of gen0 and out of gen1 so far (<see cref="GcPromotions"/>): what survived.
/// A thread of its own with a coarse period: it adds ~10 wake-ups a second, not one per call.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var dir = Environment.GetEnvironmentVariable("BENCH_HOPS_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            return;
        }

        var path = Path.Combine(dir, $"hops-{Environment.ProcessId}");
        var promoted = new GcPromotions();
        new Thread(() =>
        {
            while (true)
            {
                // Then the GC's counts: collections by generation, total pause (the blocking GCs' time, spent on the
                // thread whose allocation triggered them: a request thread) and bytes allocated, for per-call deltas.
                File.WriteAllText(path + ".tmp", $"{ThreadPool.CompletedWorkItemCount} {ThreadPool.ThreadCount} {GC.CollectionCount(0)} "
                    + $"{GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().Ticks} {GC.GetTotalAllocatedBytes()} "
                    + $"{promoted.FromGen0} {promoted.FromGen1}\n");
                File.Move(path + ".tmp", path, overwrite: true); // the reader never sees a half-written line
                Thread.Sleep(100);
            }
        }) { IsBackground = true, Name = "bench hops" }.Start();
    }
}
