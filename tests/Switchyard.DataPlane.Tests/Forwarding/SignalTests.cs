using Switchyard.DataPlane.Forwarding.Http2Upstream;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// The own upstream's one-waiter signal: a waiter never runs on the setter's thread (the read loop holds the connection's
/// lock there), except when a held outcome is released inline (InlineResponse, outside the lock).
/// </summary>
[CancelAfter(10_000)]
public sealed class SignalTests
{
    [Test]
    public async Task Set_wakes_the_waiter_on_another_thread()
    {
        var signal = new Signal();
        signal.Reset();
        using var setterReturned = new ManualResetEventSlim();
        var waiter = WaitThen(signal, () => setterReturned.Wait(5_000));

        signal.Set();
        setterReturned.Set();

        Assert.That(await waiter, Is.True, "the waiter ran after Set returned: not inline");
    }

    [Test]
    public async Task A_held_outcome_released_inline_runs_the_waiter_before_Release_returns()
    {
        var signal = new Signal();
        signal.Reset();
        var releaser = Environment.CurrentManagedThreadId;
        int? ranOn = null;
        var waiter = WaitThen(signal, () => (ranOn = Environment.CurrentManagedThreadId) > 0);

        Assert.That(signal.Hold(), Is.True);
        Assert.That(waiter.IsCompleted, Is.False, "held, not released: the waiter still waits");
        signal.Release(inline: true);

        Assert.That(ranOn, Is.EqualTo(releaser), "ran on the releasing thread, before Release returned");
        Assert.That(await waiter, Is.True);
    }

    [Test]
    public async Task A_held_outcome_is_success_even_if_the_stream_fails_before_the_release()
    {
        var signal = new Signal();
        signal.Reset();
        using var releaserReturned = new ManualResetEventSlim();
        var waiter = WaitThen(signal, () => releaserReturned.Wait(5_000));

        Assert.That(signal.Hold(), Is.True);
        signal.Fail(new IOException("reset after the headers"));
        Assert.That(signal.Hold(), Is.False, "decided once");
        signal.Release(inline: false);
        releaserReturned.Set();

        Assert.That(await waiter, Is.True, "headers delivered, on another thread");
    }

    [Test]
    public async Task After_an_inline_release_the_next_wait_is_woken_on_another_thread_again()
    {
        var signal = new Signal();
        signal.Reset();
        var first = WaitThen(signal, () => true);
        signal.Hold();
        signal.Release(inline: true);
        await first;

        signal.Reset();
        using var setterReturned = new ManualResetEventSlim();
        var second = WaitThen(signal, () => setterReturned.Wait(5_000));
        signal.Set();
        setterReturned.Set();

        Assert.That(await second, Is.True, "Reset restored the asynchronous wake-up");
    }

    // Without the test framework's synchronization context, as on a server (no context to post the continuation to).
    private static async Task<bool> WaitThen(Signal signal, Func<bool> then)
    {
        await signal.WaitAsync().ConfigureAwait(false);
        return then();
    }
}
