using StackExchange.Redis;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// The token-bucket step, run atomically inside Redis so every gateway replica draws from one bucket per source.
/// Same bucket as the in-memory one (<see cref="TokenBucket"/>): the state is one "theoretical arrival time" (TAT,
/// microseconds) — a call is admitted when the TAT is at most (burst − 1) intervals ahead of now, and moves it one
/// interval on. Semantics of Traefik's <c>pkg/middlewares/ratelimiter/lua.go</c> (burst, average/period), with two
/// deliberate differences: the clock is Redis's own (<c>TIME</c>), so replicas with skewed clocks still share one
/// bucket fairly, and a key expires exactly when its bucket would be full again, so idle sources cost Redis nothing.
/// </summary>
internal static class RedisBucketScript
{
    // KEYS[1]: the bucket. ARGV[1]: interval (µs per token). ARGV[2]: tolerance ((burst - 1) × interval, µs).
    // Returns {1, 0} when admitted, {0, µs until a token is free} when not. Numbers are written with %.0f: Lua 5.1's
    // tostring keeps 14 digits, fewer than a microsecond timestamp has.
    public const string Text = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local ahead = tat - now
        if ahead > tolerance then
          return {0, string.format('%.0f', ahead - tolerance)}
        end
        tat = tat + interval
        redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
        return {1, '0'}
        """;

    /// <summary>Reads the script's answer: admitted, or the wait until a token is free.</summary>
    public static bool Admitted(RedisResult result, out TimeSpan retryAfter)
    {
        var parts = (RedisResult[])result!;
        var waitMicros = (long)parts[1];
        retryAfter = TimeSpan.FromTicks(waitMicros * 10);
        return (long)parts[0] == 1;
    }
}
