using Switchyard.DataPlane.Forwarding.Http2Upstream;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>The own upstream's send-loop scheduler: inline in the flushing thread while the connection is light, else the thread pool.</summary>
[CancelAfter(10_000)]
public sealed class SendLoopSchedulerTests
{
    [Test]
    public void A_light_connection_runs_the_send_loop_in_the_flushing_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        int? ranOn = null;

        new SendLoopScheduler(() => true).Schedule(_ => ranOn = Environment.CurrentManagedThreadId, null);

        Assert.That(ranOn, Is.EqualTo(caller), "ran before Schedule returned, on the caller's thread");
    }

    [Test]
    public async Task A_busy_connection_hands_the_send_loop_to_the_thread_pool()
    {
        using var release = new ManualResetEventSlim();
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The action waits for the caller to go on: run inline, Schedule would never return.
        new SendLoopScheduler(() => false).Schedule(_ => ran.SetResult(release.Wait(5_000)), null);
        release.Set();

        Assert.That(await ran.Task, Is.True, "the thread pool ran it after Schedule returned");
    }

    [Test]
    public void Off_by_default_the_send_loop_always_hops()
    {
        Assume.That(Environment.GetEnvironmentVariable(SendLoopScheduler.Variable), Is.Null.Or.Empty);

        Assert.That(SendLoopScheduler.For(() => true), Is.SameAs(System.IO.Pipelines.PipeScheduler.ThreadPool));
    }
}
