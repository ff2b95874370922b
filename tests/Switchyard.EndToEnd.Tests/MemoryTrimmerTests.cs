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

    [Test]
    public async Task A_trim_pages_out_resident_pages_of_mapped_files_and_what_they_read_stays_the_same()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("MADV_PAGEOUT is Linux's");
        }

        // A file only this process maps (the runtime's own files are mapped by every dotnet process of the machine,
        // and the kernel leaves pages other processes map where they are), mapped privately as assemblies are.
        const int size = 16 << 20;
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"pageout-{Guid.NewGuid():N}.bin");
        var content = new byte[size];
        new Random(21).NextBytes(content);
        await File.WriteAllBytesAsync(path, content);
        try
        {
            using var file = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.CopyOnWrite);
            using var view = file.CreateViewAccessor(0, size, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.CopyOnWrite);
            var sum = Touch(view, size);

            using var trimmer = new MemoryTrimmer(NullLogger.Instance, TimeSpan.FromMilliseconds(50), growthThreshold: 1L << 40, trimAfterStart: true);
            trimmer.Changed();
            await Wait.UntilAsync(() => trimmer.Checks >= 1, TimeSpan.FromSeconds(20), "the first check");

            Assert.That(trimmer.LastPageOut, Is.Not.Null, "paged out (Linux 5.4 or later)");
            var (before, after) = trimmer.LastPageOut!.Value;
            Assert.That(before - after, Is.GreaterThanOrEqualTo(12L << 20), $"resident file pages {before >> 20} MB → {after >> 20} MB");
            Assert.That(Touch(view, size), Is.EqualTo(sum), "the pages read back from the file");
            Assert.That(view.ReadByte(size - 1), Is.EqualTo(content[^1]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Reads a byte of every page (making the page resident); returns their sum.</summary>
    private static long Touch(System.IO.MemoryMappedFiles.MemoryMappedViewAccessor view, int size)
    {
        long sum = 0;
        for (var offset = 0; offset < size; offset += 4096)
        {
            sum += view.ReadByte(offset);
        }

        return sum;
    }

    [TestCase("7f1200000000-7f1200021000 r-xp 00000000 08:01 1234                       /app/libcoreclr.so", 0x21000)]
    [TestCase("55d0c0000000-55d0c0001000 rw-p 00002000 08:01 99 /app/my data.bin", 0x1000)]
    [TestCase("7f1200000000-7f1200021000 rw-s 00000000 08:01 1234 /dev/shm/shared", null)]
    [TestCase("7f1200000000-7f1200021000 r-xp 00000000 00:01 77 /memfd:doublemapper (deleted)", null)]
    [TestCase("7f1200000000-7f1200021000 rw-p 00000000 00:00 0 [heap]", null)]
    [TestCase("7f1200000000-7f1200021000 rw-p 00000000 00:00 0", null)]
    [TestCase("7f1200000000-7f1200021000 r--p 00000000 00:05 12 /dev/zero", null)]
    [TestCase("7f1200000000-7f1200021000 r--s 00000000 08:01 1234 /app/data.bin", null)]
    public void Only_private_mappings_of_files_are_paged_out(string line, long? length)
    {
        var range = MappedFilePages.Parse(line);
        Assert.That(range is null ? (long?)null : (long)range.Value.Length, Is.EqualTo(length));
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
