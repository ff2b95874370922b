namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>A TimeProvider whose time moves only when told to: timing-dependent middlewares judged at chosen instants.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
