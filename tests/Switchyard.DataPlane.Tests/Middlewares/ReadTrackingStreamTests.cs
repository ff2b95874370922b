using Switchyard.DataPlane.Middlewares.Retry;

namespace Switchyard.DataPlane.Tests.Middlewares;

[CancelAfter(10_000)]
public class ReadTrackingStreamTests
{
    [Test]
    public async Task A_rewound_body_is_read_again_from_its_start_then_continues_with_the_rest()
    {
        var body = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var stream = new ReadTrackingStream(new MemoryStream(body), 64 * 1024);

        // The failed attempt read part of the body.
        var first = new byte[1000];
        Assert.That(await stream.ReadAsync(first), Is.EqualTo(1000));
        stream.Rewind();

        // The next attempt must see the whole body, in order, nothing twice.
        var again = new MemoryStream();
        await stream.CopyToAsync(again, 700);
        Assert.That(again.ToArray(), Is.EqualTo(body));
        Assert.That(stream.CannotReplay, Is.False);
    }

    [Test]
    public async Task A_body_past_the_replay_limit_cannot_be_sent_again()
    {
        var stream = new ReadTrackingStream(new MemoryStream(new byte[100_000]), 64 * 1024);
        var buffer = new byte[80_000];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }

        Assert.That(stream.CannotReplay, Is.True);
    }

    [Test]
    public async Task A_zero_byte_read_during_the_replay_keeps_the_replay_going()
    {
        // YARP's copier issues a zero-byte read before each real one: the replay must survive it.
        var body = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var stream = new ReadTrackingStream(new MemoryStream(body), 64 * 1024);
        Assert.That(await stream.ReadAsync(new byte[1000]), Is.EqualTo(1000));
        stream.Rewind();

        var again = new MemoryStream();
        var buffer = new byte[700];
        while (true)
        {
            Assert.That(await stream.ReadAsync(Memory<byte>.Empty), Is.Zero);
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            again.Write(buffer, 0, n);
        }

        Assert.That(again.ToArray(), Is.EqualTo(body));
    }
}
