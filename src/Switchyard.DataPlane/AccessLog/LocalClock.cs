namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Local time for the access log's StartLocal and time fields, with the zone's offset looked up once a minute
/// rather than per line (offsets change on whole minutes, so a minute's lines all share one). Writer thread only.
/// </summary>
internal sealed class LocalClock
{
    private long _minute = -1;
    private TimeSpan _offset;

    public DateTimeOffset Local(DateTime utc)
    {
        var minute = utc.Ticks / TimeSpan.TicksPerMinute;
        if (minute != _minute)
        {
            _offset = TimeZoneInfo.Local.GetUtcOffset(utc);
            _minute = minute;
        }

        return new DateTimeOffset(utc.Ticks + _offset.Ticks, _offset);
    }
}
