using System.Diagnostics;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// A call's start as UTC wall time, computed on the writer from the Stopwatch timestamp the call took anyway (its
/// Duration starts there), so the request path reads one clock instead of two. The wall clock is read once per
/// batch (<see cref="Anchor()"/>) and each start is that reading minus the monotonic time since the call began: the
/// same instant DateTime.UtcNow would have given at the call, up to the clock's slewing over the line's time in
/// the queue (microseconds per second at most). Writer thread only.
/// </summary>
internal sealed class StartClock
{
    private long _utcTicks;
    private long _timestamp;

    /// <summary>Reads the wall clock and the Stopwatch together (once per batch of lines).</summary>
    public void Anchor() => Anchor(DateTime.UtcNow, Stopwatch.GetTimestamp());

    /// <summary>Anchors at a given reading (the writer's own; tests name an instant).</summary>
    internal void Anchor(DateTime utc, long timestamp)
    {
        _utcTicks = utc.Ticks;
        _timestamp = timestamp;
    }

    /// <summary>
    /// The wall clock at the last <see cref="Anchor()"/>: logrus' time of the batch's lines (the instant the writer
    /// took them up, as Traefik's buffered writer stamps a line when its goroutine logs it), read once per batch
    /// instead of once per line.
    /// </summary>
    public DateTime Now => new(_utcTicks, DateTimeKind.Utc);

    /// <summary>The UTC time of <paramref name="timestamp"/> (a Stopwatch timestamp taken before the last <see cref="Anchor()"/>, or after it).</summary>
    public DateTime UtcOf(long timestamp) =>
        new(_utcTicks - Stopwatch.GetElapsedTime(timestamp, _timestamp).Ticks, DateTimeKind.Utc);
}
