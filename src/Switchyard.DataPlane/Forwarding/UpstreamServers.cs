using System.Collections.Frozen;
using System.Net;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The upstream path's view of one h2c LoadBalancerService, built at table build: each server's connection pool,
/// keyed by the server's name (<see cref="BackendServer.Url"/>). Pools live in the swap state under the transport's key
/// and the server's address, so calls keep their warm connections across swaps while both stay; a pool that left the
/// table is closed once the calls of older tables drained.
/// </summary>
internal static class UpstreamServers
{
    /// <summary>
    /// The servers the upstream path can take, or null when none: servers named by an IP address (a DNS name, an
    /// ExternalName Service, stays on YARP, which resolves it), on a transport that keeps connections
    /// (maxIdleConnsPerHost -1 asks for a connection per call: YARP's pool does that).
    /// </summary>
    public static FrozenDictionary<string, UpstreamServer>? For(ISwapState state, LoadBalancerService service, ServersTransportConfig transport)
    {
        if (service.Scheme != ServerScheme.H2c || transport.MaxIdleConnsPerHost < 0)
        {
            return null;
        }

        var options = Options(transport.Timeouts);
        var transportKey = BackendTransports.Key(service.ServersTransport, transport, service.Scheme);
        var servers = new Dictionary<string, UpstreamServer>(StringComparer.Ordinal);
        foreach (var config in service.Servers)
        {
            if (!IPAddress.TryParse(config.Host, out var address))
            {
                continue;
            }

            var server = BackendServers.From(config, service.Scheme);
            var lease = state.GetOrAdd($"{UpstreamPoolLease.KeyPrefix}{transportKey}/{config.Authority}",
                () => new UpstreamPoolLease(new UpstreamPool(new IPEndPoint(address, config.Port), options)));
            servers[server.Url] = new UpstreamServer(lease.Pool, service.PassHostHeader ? null : config.Authority);
        }

        return servers.Count == 0 ? null : servers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The transport's forwardingTimeouts as the pool's connections keep them, with Traefik's meanings
    /// (pkg/server/service/transport.go): dialTimeout bounds the dial, idleConnTimeout closes a connection without
    /// calls, readIdleTimeout is HTTP2Config.SendPingTimeout (a PING after that long without a frame; zero: none) and
    /// pingTimeout closes a connection whose PING went unanswered (zero: 15 s). The pool's key holds the transport's
    /// fingerprint, so a changed timeout gets a fresh pool.
    /// </summary>
    internal static UpstreamOptions Options(ForwardingTimeouts timeouts) => new()
    {
        DialTimeout = timeouts.DialTimeout,
        IdleConnTimeout = timeouts.IdleConnTimeout,
        ReadIdleTimeout = timeouts.ReadIdleTimeout,
        PingTimeout = timeouts.PingTimeout,
    };
}

/// <summary>A pool as the swap state holds it: released (its connections closed) when no table names it any more.</summary>
internal sealed class UpstreamPoolLease(UpstreamPool pool) : IDisposable
{
    /// <summary>The swap-state key prefix of every pool.</summary>
    public const string KeyPrefix = "upstream/";

    public UpstreamPool Pool { get; } = pool;

    public void Dispose()
    {
        foreach (var connection in Pool.Connections)
        {
            connection.Close();
        }
    }
}
