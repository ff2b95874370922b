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
}
