using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests;

[CancelAfter(60_000)]
[NonParallelizable] // it measures the process's own GC heap
public class MemoryTrimmerTests
{
    [Test]
    public async Task A_grown_heap_is_given_back_once_changes_are_quiet()
    {
        // The trimmer's baseline is the heap committed when it is made: first give back what earlier tests of this
        // process left committed, or the GC may decommit that during Grow and hide the growth from the check.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var trimmer = new MemoryTrimmer(NullLogger.Instance, TimeSpan.FromMilliseconds(50), growthThreshold: 32L << 20);
        Grow(96 << 20);

        trimmer.Changed();
        await Wait.UntilAsync(() => trimmer.Checks >= 1, TimeSpan.FromSeconds(20), "the trimmer to check");

        Assert.That(trimmer.Trims, Is.EqualTo(1));
        var (before, after, _) = trimmer.LastTrim;
        Assert.That(before - after, Is.GreaterThan(64L << 20), $"committed {before >> 20} MB → {after >> 20} MB");
    }

    [Test]
    public async Task Small_growth_is_left_to_the_GC()
    {
        using var trimmer = new MemoryTrimmer(NullLogger.Instance, TimeSpan.FromMilliseconds(50), growthThreshold: 1L << 40);
        Grow(16 << 20);

        trimmer.Changed();
        await Wait.UntilAsync(() => trimmer.Checks >= 1, TimeSpan.FromSeconds(20), "the trimmer to check");

        Assert.That(trimmer.Trims, Is.Zero);
    }

    [Test]
    public async Task After_the_start_the_first_check_trims_and_later_small_growth_is_left_to_the_GC()
    {
        using var trimmer = new MemoryTrimmer(NullLogger.Instance, TimeSpan.FromMilliseconds(50), growthThreshold: 1L << 40, trimAfterStart: true);

        trimmer.Changed();
        await Wait.UntilAsync(() => trimmer.Checks >= 1, TimeSpan.FromSeconds(20), "the first check");
        Assert.That(trimmer.Trims, Is.EqualTo(1), "the check after the start trims below the threshold");

        Grow(16 << 20);
        trimmer.Changed();
        await Wait.UntilAsync(() => trimmer.Checks >= 2, TimeSpan.FromSeconds(20), "the second check");
        Assert.That(trimmer.Trims, Is.EqualTo(1), "later checks trim only past the threshold");
    }

    /// <summary>Commits about <paramref name="bytes"/> of heap that survives a full collection, then drops it.</summary>
    private static void Grow(int bytes)
    {
        var keep = new List<byte[]>();
        for (var held = 0; held < bytes; held += 64 << 10)
        {
            keep.Add(new byte[64 << 10]);
        }
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.KeepAlive(keep);
    }
}
