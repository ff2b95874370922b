using Switchyard.DataPlane.Tracing;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// When the queued spans are flushed: once per interval between gen0 collections, after the share of the previous
/// interval's allocation, given the counters GC.CollectionCount(0) and GC.GetTotalAllocatedBytes() read.
/// </summary>
public class ExportBeforeCollectionTests
{
    private const long Mb = 1 << 20;

    [Test]
    public void Flushes_OnceAfterTheShareOfThePreviousInterval()
    {
        var flush = new ExportBeforeCollection(0.85);
        Assert.Multiple(() =>
        {
            Assert.That(flush.ShouldFlush(1, 10 * Mb), Is.False, "the first collection seen only starts the count");
            Assert.That(flush.ShouldFlush(1, 15 * Mb), Is.False, "no interval known yet");
            Assert.That(flush.ShouldFlush(2, 16 * Mb), Is.False, "a collection: 6 MB since the one before");
            Assert.That(flush.ShouldFlush(2, 16 * Mb + 5 * Mb), Is.False, "5 of 6 MB: before 85 %");
            Assert.That(flush.ShouldFlush(2, 16 * Mb + 52 * Mb / 10), Is.True, "5.2 of 6 MB: past 85 %");
            Assert.That(flush.ShouldFlush(2, 16 * Mb + 55 * Mb / 10), Is.False, "once per interval");
            Assert.That(flush.ShouldFlush(3, 22 * Mb), Is.False, "the next collection starts the next interval");
            Assert.That(flush.ShouldFlush(3, 22 * Mb + 52 * Mb / 10), Is.True);
        });
    }

    [Test]
    public void CollectionsWithoutASampledCall_SpreadTheirAllocationOverEachInterval()
    {
        var flush = new ExportBeforeCollection(0.5);
        flush.ShouldFlush(10, 100 * Mb);
        flush.ShouldFlush(14, 124 * Mb); // four collections: 6 MB each
        Assert.Multiple(() =>
        {
            Assert.That(flush.ShouldFlush(14, 126 * Mb), Is.False);
            Assert.That(flush.ShouldFlush(14, 127 * Mb), Is.True, "half of 6 MB after the last collection seen");
        });
    }

    [Test]
    public void TheBenchVariable_SetsTheShare_AndZeroLeavesTheExportsToTheSdk()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExportBeforeCollection.Create(null)?.Share, Is.EqualTo(ExportBeforeCollection.DefaultShare));
            Assert.That(ExportBeforeCollection.Create("0.9")?.Share, Is.EqualTo(0.9));
            Assert.That(ExportBeforeCollection.Create("0"), Is.Null);
            Assert.That(ExportBeforeCollection.Create("2")?.Share, Is.EqualTo(ExportBeforeCollection.DefaultShare), "out of 0..1");
        });
    }
}
