namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Local time for the access log's StartLocal and time fields, with the zone's offset looked up once a minute
/// rather than per line (offsets change on whole minutes, so a minute's lines all share one). Writer thread only.
/// </summary>
/// <param name="zone">The local zone (tests name one; the gateway uses the machine's).</param>
internal sealed class LocalClock(TimeZoneInfo? zone = null)
{
    private readonly TimeZoneInfo _zone = zone ?? TimeZoneInfo.Local;
    private long _minute = -1;
    private TimeSpan _offset;

    public DateTimeOffset Local(DateTime utc)
    {
        var minute = utc.Ticks / TimeSpan.TicksPerMinute;
        if (minute != _minute)
        {
            _offset = _zone.GetUtcOffset(utc);
            _minute = minute;
        }

        return new DateTimeOffset(utc.Ticks + _offset.Ticks, _offset);
    }
}
