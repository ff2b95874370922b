namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Parses the <c>grpc-timeout</c> header: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n). Legal values reach
/// 99,999,999 hours; a timer cannot run that long (about 49 days at most), so longer values are clamped to
/// <see cref="Max"/>, a deadline no call reaches in practice.
/// </summary>
public static class GrpcTimeout
{
    /// <summary>The longest deadline the gateway enforces (30 days); a longer grpc-timeout is clamped to it.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long amount = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * 10; break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }

        timeout = TimeSpan.FromTicks(Math.Min(ticks, Max.Ticks));
        return true;
    }
}
