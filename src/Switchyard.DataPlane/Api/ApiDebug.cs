using System.Text.Json.Nodes;

namespace Switchyard.DataPlane.Api;

/// <summary>api.debug: /debug/vars with the runtime's counters (Traefik serves Go's expvar there).</summary>
internal static class ApiDebug
{
    public static JsonObject Vars()
    {
        var gc = GC.GetGCMemoryInfo();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new JsonObject
        {
            ["cmdline"] = new JsonArray([.. Environment.GetCommandLineArgs().Select(a => (JsonNode)a)]),
            ["memstats"] = new JsonObject
            {
                ["HeapAlloc"] = GC.GetTotalMemory(false),
                ["TotalAlloc"] = GC.GetTotalAllocatedBytes(),
                ["HeapSize"] = gc.HeapSizeBytes,
                ["NumGC"] = GC.CollectionCount(0),
            },
            ["threads"] = process.Threads.Count,
            ["threadPool"] = new JsonObject { ["threads"] = ThreadPool.ThreadCount, ["pending"] = ThreadPool.PendingWorkItemCount },
        };
    }
}
