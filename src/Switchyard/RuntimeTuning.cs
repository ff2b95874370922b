namespace Switchyard;

/// <summary>
/// Process-wide runtime settings that must be in place before anything rents from <c>ArrayPool&lt;byte&gt;.Shared</c>.
/// </summary>
internal static class RuntimeTuning
{
    private const string MaxArraysPerPartition = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>
    /// YARP's body copier and SocketsHttpHandler rent 16–64 KB buffers from the shared pool for every forwarded call.
    /// The pool keeps only 32 arrays per size and core by default, so with hundreds of calls in flight most rents
    /// miss and allocate: ~85 KB of garbage per unary gRPC call (bench/Bench.Alloc at 512 concurrent streams), which
    /// becomes ~6.6 KB with 512. The pool then holds what peak concurrency needed, and the runtime trims it under
    /// memory pressure. The variable is read once, when the pool is first used, and only from the environment —
    /// hence set here, first thing in Main; an operator's own value wins.
    /// </summary>
    public static void Apply()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MaxArraysPerPartition)))
        {
            Environment.SetEnvironmentVariable(MaxArraysPerPartition, "512");
        }
    }

    /// <summary>
    /// Gives back the memory the first load used. Decoding every object of the initial snapshot at once (YAML →
    /// JSON → model, then the compile) peaks far above what the table needs afterwards, and the GC keeps that
    /// peak committed for reuse: 10 000 IngressRoutes left ~220 MB committed around a ~45 MB heap. One aggressive
    /// collection, before the process has any steady load, decommits it. Later changes arrive one object or one
    /// file at a time and stay within the normal budget, so they are left to the GC.
    /// </summary>
    public static void TrimAfterInitialLoad() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
