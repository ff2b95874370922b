using System.Globalization;
using StackExchange.Redis;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.RateLimit;

/// <summary>
/// The connections of one rateLimit.redis to its Redis, kept in the swap state (keyed by the whole redis config) so a
/// table swap does not reconnect, and disposed when no table uses them any more.
///
/// Traefik's go-redis keeps a pool of single-command connections (poolSize, minIdleConns, maxActiveConns); a
/// StackExchange.Redis connection multiplexes every concurrent call, so <c>poolSize</c> is the number of multiplexed
/// connections opened (1 when 0, at most maxActiveConns when that is set, at most
/// <see cref="RateLimitRedisConfig.MaxConnections"/>), all opened at once and kept (which holds any minIdleConns).
/// A call never queues behind a broken connection (BacklogPolicy.FailFast): it fails at once, or after the read/write
/// timeout, and the middleware answers as Traefik does.
/// </summary>
public sealed class RedisConnections : IDisposable
{
    private readonly Task<ConnectionMultiplexer>[] _connections;
    private int _next;

    public RedisConnections(RateLimitRedisConfig config, ServersTransportConfig? tls)
    {
        Timeout = config.ReadTimeout + config.WriteTimeout;
        var count = ConnectionCount(config);
        _connections = new Task<ConnectionMultiplexer>[count];
        for (var i = 0; i < count; i++)
        {
            // Connects in the background: building a table never waits for Redis; the first calls wait at most dialTimeout.
            _connections[i] = ConnectionMultiplexer.ConnectAsync(Options(config, tls));
        }
    }

    /// <summary>The longest a call waits for its answer (Traefik's readTimeout + writeTimeout).</summary>
    public TimeSpan Timeout { get; }

    public static int ConnectionCount(RateLimitRedisConfig config)
    {
        var count = Math.Max(1, config.PoolSize);
        if (config.MaxActiveConns > 0)
        {
            count = Math.Min(count, config.MaxActiveConns);
        }

        return Math.Min(count, RateLimitRedisConfig.MaxConnections);
    }

    /// <summary>A database of the next connection (round robin).</summary>
    public async Task<IDatabase> DatabaseAsync()
    {
        var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_connections.Length);
        var connection = await _connections[index].ConfigureAwait(false);
        return connection.GetDatabase();
    }

    private static ConfigurationOptions Options(RateLimitRedisConfig config, ServersTransportConfig? tls)
    {
        var options = new ConfigurationOptions
        {
            User = config.Username,
            Password = config.Password?.Reveal(),
            DefaultDatabase = config.Db,
            ConnectTimeout = Milliseconds(config.DialTimeout),
            SyncTimeout = Milliseconds(config.ReadTimeout + config.WriteTimeout),
            AsyncTimeout = Milliseconds(config.ReadTimeout + config.WriteTimeout),
            AbortOnConnectFail = false, // keep reconnecting in the background, as go-redis redials
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectRetry = 1,
            ClientName = "switchyard",
        };
        foreach (var endpoint in config.Endpoints)
        {
            options.EndPoints.Add(endpoint);
        }

        if (tls is not null)
        {
            options.Ssl = true;
            options.SslClientAuthenticationOptions = host =>
            {
                var ssl = ServersTransportHandlerFactory.CreateSslOptions(tls);
                ssl.ApplicationProtocols = null; // Redis speaks no ALPN
                ssl.TargetHost ??= host;
                return ssl;
            };
        }

        return options;
    }

    private static int Milliseconds(TimeSpan span) => (int)Math.Clamp(span.TotalMilliseconds, 1, int.MaxValue);

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            // A connection still being made is closed when it completes.
            connection.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>A stable text of everything that needs new connections when it changes (swap-state key).</summary>
    public static string Describe(RateLimitRedisConfig config, ServersTransportConfig? tls) => string.Create(CultureInfo.InvariantCulture,
        $"{string.Join(',', config.Endpoints)}|{config.Username}|{(config.Password is null ? "" : Convert.ToHexString(config.Password.Digest))}|{config.Db}|" +
        $"{(tls is null ? "" : BackendTransports.Fingerprint(tls))}|{config.DialTimeout.Ticks}|{config.ReadTimeout.Ticks}|{config.WriteTimeout.Ticks}|{ConnectionCount(config)}");
}
