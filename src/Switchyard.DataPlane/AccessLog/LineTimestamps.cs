using System.Globalization;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// The json line's StartUTC and StartLocal ("O": 2026-12-07T09:38:12.1234567Z and …+01:00) written from parts
/// formatted once per second: the calls of one second share the date and time of day and differ only in the seven
/// digits of the fraction, so a line costs two copies and seven digits instead of two full "O" formattings (each a
/// date decomposition). The parts are cut from the runtime's own "O" output, so the text is exactly what formatting
/// each time in full gives. Writer thread only.
/// </summary>
internal sealed class LineTimestamps(LocalClock clock)
{
    private const int Prefix = 19; // yyyy-MM-ddTHH:mm:ss
    private const int Digits = 7;

    private readonly byte[] _utc = new byte[Prefix];
    private readonly byte[] _local = new byte[Prefix];
    private readonly byte[] _offset = new byte[16];
    private int _offsetLength;
    private long _second = long.MinValue;
    private DateTimeKind _kind;

    /// <summary>StartUTC of <paramref name="utc"/> (a UTC time: DateTimeKind.Utc) into <paramref name="destination"/>; returns the length.</summary>
    public int Utc(DateTime utc, Span<byte> destination)
    {
        Refresh(utc);
        _utc.CopyTo(destination);
        var n = Fraction(utc.Ticks, destination, Prefix);
        destination[n] = (byte)'Z';
        return n + 1;
    }

    /// <summary>StartLocal of <paramref name="utc"/>: the local time with its offset (as <see cref="LocalClock.Local"/> gives it).</summary>
    public int Local(DateTime utc, Span<byte> destination)
    {
        Refresh(utc);
        _local.CopyTo(destination);
        var n = Fraction(utc.Ticks, destination, Prefix);
        _offset.AsSpan(0, _offsetLength).CopyTo(destination[n..]);
        return n + _offsetLength;
    }

    /// <summary>The longest text either method writes.</summary>
    public static int MaxLength => Prefix + 1 + Digits + 16;

    private void Refresh(DateTime utc)
    {
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        if (second == _second && utc.Kind == _kind)
        {
            return;
        }

        Span<byte> text = stackalloc byte[64];
        // The kind as given: the zone's offset lookup reads it (the gateway's times are all UTC).
        var whole = new DateTime(second * TimeSpan.TicksPerSecond, utc.Kind);
        whole.TryFormat(text, out _, "O", CultureInfo.InvariantCulture);
        text[..Prefix].CopyTo(_utc);
        clock.Local(whole).TryFormat(text, out var written, "O", CultureInfo.InvariantCulture);
        text[..Prefix].CopyTo(_local);
        // "yyyy-MM-ddTHH:mm:ss.fffffff" then the offset (+01:00).
        _offsetLength = written - (Prefix + 1 + Digits);
        text[(Prefix + 1 + Digits)..written].CopyTo(_offset);
        _second = second;
        _kind = utc.Kind;
    }

    private static int Fraction(long ticks, Span<byte> destination, int at)
    {
        destination[at] = (byte)'.';
        var fraction = (int)(ticks % TimeSpan.TicksPerSecond);
        for (var i = at + Digits; i > at; i--)
        {
            destination[i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        return at + 1 + Digits;
    }
}
