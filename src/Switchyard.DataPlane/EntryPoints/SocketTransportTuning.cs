using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// How Kestrel's socket transport schedules I/O continuations, for the tail-latency measurements of issue 21
/// (bench/run.sh <c>latency</c> scenario, <c>COMPARE_ENV</c>). Defaults are Kestrel's own; each variable switches
/// one lever so it can be measured alone against the default in the same run:
/// <list type="bullet">
/// <item><c>SWITCHYARD_KESTREL_INLINE_SCHEDULING=true</c>: <see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>
/// (the connection's pipes run their continuations on the thread that completed the I/O; with
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> that is the epoll thread itself).</item>
/// <item><c>SWITCHYARD_KESTREL_IO_QUEUES=n</c>: <see cref="SocketTransportOptions.IOQueueCount"/> (Kestrel's default is
/// the processor count up to 16; 0 hands completions to the thread pool directly).</item>
/// </list>
/// </summary>
public static class SocketTransportTuning
{
    public const string InlineSchedulingVariable = "SWITCHYARD_KESTREL_INLINE_SCHEDULING";
    public const string IoQueuesVariable = "SWITCHYARD_KESTREL_IO_QUEUES";

    public static void Configure(SocketTransportOptions options)
    {
        if (bool.TryParse(Environment.GetEnvironmentVariable(InlineSchedulingVariable)?.Trim(), out var inline))
        {
            options.UnsafePreferInlineScheduling = inline;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable(IoQueuesVariable)?.Trim(), out var queues) && queues >= 0)
        {
            options.IOQueueCount = queues;
        }
    }
}
