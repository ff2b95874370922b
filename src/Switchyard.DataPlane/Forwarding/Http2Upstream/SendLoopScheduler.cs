using System.IO.Pipelines;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Where the connection's send loop resumes when a writer flushes while it waits for bytes. Default: the thread pool
/// (one hop per flush; frames of concurrent calls written meanwhile share one send). With
/// <c>SWITCHYARD_UPSTREAM_INLINE_SEND=true</c> (a tail-latency lever under measurement, issue 21 item 3) a lightly loaded
/// connection runs the loop inline in that flush: the writer sends its frames itself (a non-blocking send usually takes
/// them at once), without the hop and the wake-up it costs at low call rates; with more streams open it still hops.
/// </summary>
internal sealed class SendLoopScheduler(Func<bool> inline) : PipeScheduler
{
    public const string Variable = "SWITCHYARD_UPSTREAM_INLINE_SEND";

    /// <summary>Read once: the switch is a process-wide experiment, not configuration.</summary>
    public static readonly bool Enabled =
        bool.TryParse(Environment.GetEnvironmentVariable(Variable)?.Trim(), out var on) && on;

    /// <summary>The send loop's scheduler: this one when enabled (inline while <paramref name="inline"/> says so), else the thread pool.</summary>
    public static PipeScheduler For(Func<bool> inline) => Enabled ? new SendLoopScheduler(inline) : ThreadPool;

    public override void Schedule(Action<object?> action, object? state)
    {
        if (inline())
        {
            action(state);
        }
        else
        {
            ThreadPool.Schedule(action, state); // PipeScheduler.ThreadPool, the default
        }
    }
}
