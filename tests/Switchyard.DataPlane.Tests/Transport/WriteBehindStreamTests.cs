using System.Buffers;
using System.IO.Pipelines;
using Switchyard.DataPlane.Forwarding;

namespace Switchyard.DataPlane.Tests.Transport;

/// <summary>
/// The request-body stream the forwarder writes through (issue 21: YARP's 64 KB copy buffer must not wait on a busy
/// backend connection): over a real <see cref="Pipe"/> whose writer blocks until the reader drains it, the caller's
/// buffer is free as soon as its write returns, bytes keep their order, a second write waits for the first, and a
/// failed write is reported by the next call.
/// </summary>
[CancelAfter(10_000)]
public sealed class WriteBehindStreamTests
{
    private static Pipe BlockingPipe() => new(new PipeOptions(pauseWriterThreshold: 4, resumeWriterThreshold: 2, useSynchronizationContext: false));

    [Test]
    public async Task AWriteReturnsBeforeTheTransportTakesIt_AndTheCallersBufferIsFreeAtOnce(CancellationToken ct)
    {
        var pipe = BlockingPipe();
        var stream = new WriteBehindStream(pipe.Writer.AsStream());
        var buffer = "message-1"u8.ToArray();

        var write = stream.WriteAsync(buffer, ct);
        Assert.That(write.IsCompleted, Is.True, "the write returned while the transport still blocks");
        Array.Fill(buffer, (byte)'x'); // the copier reuses its buffer for the next read
        var drain = stream.DrainAsync();
        Assert.That(drain.IsCompleted, Is.False, "nothing has read the bytes yet");

        var read = await pipe.Reader.ReadAsync(ct);
        Assert.That(read.Buffer.ToArray(), Is.EqualTo("message-1"u8.ToArray()));
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await drain;
    }

    [Test]
    public async Task TheNextWriteWaitsForTheOneInFlight_AndOrderHolds(CancellationToken ct)
    {
        var pipe = BlockingPipe();
        var stream = new WriteBehindStream(pipe.Writer.AsStream());

        await stream.WriteAsync("first"u8.ToArray(), ct);
        var second = stream.WriteAsync("second"u8.ToArray(), ct).AsTask();
        Assert.That(second.IsCompleted, Is.False, "one write in flight at a time: backpressure reaches the copier");

        var received = new List<byte>();
        while (received.Count < "firstsecond".Length)
        {
            var read = await pipe.Reader.ReadAsync(ct);
            received.AddRange(read.Buffer.ToArray());
            pipe.Reader.AdvanceTo(read.Buffer.End);
        }

        await second;
        await stream.FlushAsync(ct);
        await stream.DrainAsync();
        Assert.That(received.ToArray(), Is.EqualTo("firstsecond"u8.ToArray()));
    }

    [Test]
    public async Task AWriteThatFailsBehind_IsThrownByTheNextWrite(CancellationToken ct)
    {
        var pipe = BlockingPipe();
        var stream = new WriteBehindStream(pipe.Writer.AsStream());

        await stream.WriteAsync("lost"u8.ToArray(), ct);
        await pipe.Reader.CompleteAsync(new IOException("backend reset the stream"));

        // The pending write's flush sees the reader's error; the copier's next write is the one to report it.
        await Assert.ThatAsync(() => stream.WriteAsync("next"u8.ToArray(), ct).AsTask(), Throws.InstanceOf<IOException>());
        await stream.DrainAsync(); // reported once
    }
}
