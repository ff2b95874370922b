using Switchyard.DataPlane.AccessLog;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// How many queued lines wake the access log writer: a quarter of the queue (at most 256) unless the bench's
/// SWITCHYARD_ACCESSLOG_WAKE_AT says otherwise, always within 1..queue length so a full queue still wakes it.
/// </summary>
public class AccessLogWakeThresholdTests
{
    [TestCase(1024, null, 256)]
    [TestCase(4096, null, 256)]
    [TestCase(128, null, 32)]
    [TestCase(2, null, 1)]
    [TestCase(1024, "32", 32)]
    [TestCase(16, "32", 16)]
    [TestCase(1024, "0", 1)]
    [TestCase(1024, "-5", 256)]
    [TestCase(1024, "many", 256)]
    public void TheWriterIsWokenWithinTheQueue(int queueLength, string? variable, int expected) =>
        Assert.That(AccessLogWriter.WakeThreshold(queueLength, variable), Is.EqualTo(expected));
}
