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
            // .NET's own view beside Go's names: what the GC holds committed and how it splits (where a process's
            // memory goes under load, docs/performance-log.md, 2026-12-08 03:50).
            ["gc"] = new JsonObject
            {
                ["committedBytes"] = gc.TotalCommittedBytes,
                ["fragmentedBytes"] = gc.FragmentedBytes,
                ["pinnedObjects"] = gc.PinnedObjectsCount,
                ["promotedBytes"] = gc.PromotedBytes,
                ["generations"] = Generations(gc),
            },
            ["threads"] = process.Threads.Count,
            ["threadPool"] = new JsonObject { ["threads"] = ThreadPool.ThreadCount, ["pending"] = ThreadPool.PendingWorkItemCount },
        };
    }

    /// <summary>gen0, gen1, gen2, the large and the pinned object heap after the last collection.</summary>
    private static JsonArray Generations(GCMemoryInfo gc)
    {
        var generations = new JsonArray();
        for (var i = 0; i < gc.GenerationInfo.Length; i++)
        {
            generations.Add(new JsonObject
            {
                ["sizeAfterBytes"] = gc.GenerationInfo[i].SizeAfterBytes,
                ["fragmentationAfterBytes"] = gc.GenerationInfo[i].FragmentationAfterBytes,
                ["collections"] = i <= GC.MaxGeneration ? GC.CollectionCount(i) : 0,
            });
        }

        return generations;
    }
}
