using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.DataPlane.Services;

namespace Switchyard.DataPlane.Balancers;

/// <summary>
/// One server as a load balancer of one table sees it: the backend, its health gates and the counters the
/// strategies read (in-flight calls, response-time average). Built once per table swap; the health gates are
/// shared with the swap-surviving health state, the counters start fresh with each table.
/// </summary>
public sealed class BalancedServer
{
    private int _inFlight;
    private long _averageTicks;
    private long _lastSample;

    public BalancedServer(BackendServer server, ServerHealthState? active = null, PassiveHealthState? passive = null)
    {
        Server = server;
        Weight = Math.Max(1, server.Weight);
        Active = active;
        Passive = passive;
        UrlHash = StableHash.Mix(StableHash.Fnv1a(server.Url));
        StickyValue = StableHash.Hex(UrlHash);
    }

    public BackendServer Server { get; }

    /// <summary>Relative weight, at least 1.</summary>
    public int Weight { get; }

    /// <summary>Active health check state, null when the service has no healthCheck.</summary>
    public ServerHealthState? Active { get; }

    /// <summary>Passive health state, null when the service has no passiveHealthCheck.</summary>
    public PassiveHealthState? Passive { get; }

    /// <summary>Stable hash of the URL: the hrw seed and the sticky cookie value.</summary>
    public ulong UrlHash { get; }

    /// <summary>Opaque sticky cookie value for this server (hash of the URL, so no pod IP reaches clients).</summary>
    public string StickyValue { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Moving average of call durations in timestamp ticks; 0 until the first call completed.</summary>
    public long AverageTicks => Volatile.Read(ref _averageTicks);

    /// <summary>When <see cref="AverageTicks"/> was last updated (timestamp ticks).</summary>
    public long LastSampleTimestamp => Volatile.Read(ref _lastSample);

    /// <summary>Healthy by both checks; ignores <c>Terminating</c> (sticky sessions may still drain to it).</summary>
    public bool IsHealthy(long nowTimestamp) =>
        (Active is null || Active.IsHealthy) && (Passive is null || !Passive.IsEjected(nowTimestamp));

    /// <summary>May take new (non-sticky) calls: healthy and not terminating.</summary>
    public bool IsUsable(long nowTimestamp) => !Server.Terminating && IsHealthy(nowTimestamp);

    public void CallStarted() => Interlocked.Increment(ref _inFlight);

    public void CallEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// Folds one call duration into the average (weight 1/8, like TCP's SRTT). Racy by design: a lost update
    /// under contention only delays convergence, and a lock here would serialise every call.
    /// </summary>
    public void RecordDuration(long ticks, long nowTimestamp)
    {
        var old = Volatile.Read(ref _averageTicks);
        var next = old == 0 ? Math.Max(1, ticks) : old + ((ticks - old) / 8);
        Volatile.Write(ref _averageTicks, Math.Max(1, next));
        Volatile.Write(ref _lastSample, nowTimestamp);
    }
}
