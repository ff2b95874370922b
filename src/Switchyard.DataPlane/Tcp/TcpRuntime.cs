using System.Collections.Frozen;
using Switchyard.Routing.Table;
using Switchyard.Routing.Tcp;

namespace Switchyard.DataPlane.Tcp;

/// <summary>One TCP router made ready: its matcher, middlewares and balancer.</summary>
internal sealed record TcpRoute(TcpRouter Router, TcpMiddleware[] Middlewares, TcpBalancer Balancer)
{
    public bool Passthrough => Router.Tls?.Passthrough ?? false;
}

/// <summary>The TCP routers of one entry point, split as Traefik's router does (muxerTCP / muxerTCPTLS).</summary>
internal sealed class TcpEntryPointRoutes(TcpRoute[] cleartext, TcpRoute[] tls)
{
    public static readonly TcpEntryPointRoutes None = new([], []);

    public bool IsEmpty => cleartext.Length == 0 && tls.Length == 0;

    public bool HasCleartext => cleartext.Length > 0;

    public bool HasTls => tls.Length > 0;

    public TcpRoute? MatchCleartext(in TcpConnectionInfo info) => First(cleartext, info, catchAll: null);

    /// <summary>A TLS router whose rule is more than the HostSNI(`*`) catch-all.</summary>
    public TcpRoute? MatchTlsSpecific(in TcpConnectionInfo info) => First(tls, info, catchAll: false);

    public TcpRoute? MatchTlsCatchAll(in TcpConnectionInfo info) => First(tls, info, catchAll: true);

    private static TcpRoute? First(TcpRoute[] routes, in TcpConnectionInfo info, bool? catchAll)
    {
        foreach (var route in routes)
        {
            if ((catchAll is null || route.Router.IsCatchAll == catchAll) && route.Router.Matcher.Matches(info))
            {
                return route;
            }
        }

        return null;
    }
}

/// <summary>The TCP section of a table made ready, per entry point (built once per published table, on first use).</summary>
internal sealed class TcpRuntime
{
    private readonly FrozenDictionary<string, TcpEntryPointRoutes> _byEntryPoint;

    public TcpRuntime(TcpSection section, TcpMiddlewareState state)
    {
        var balancers = new Dictionary<string, TcpBalancer>(StringComparer.Ordinal);
        var middlewares = section.Middlewares.ToDictionary(kv => kv.Key, kv => TcpMiddleware.Build(kv.Key, kv.Value, state), StringComparer.Ordinal);
        var byEntryPoint = new Dictionary<string, (List<TcpRoute> Clear, List<TcpRoute> Tls)>(StringComparer.Ordinal);
        foreach (var router in section.Routers)
        {
            if (!balancers.TryGetValue(router.Service, out var balancer))
            {
                balancers[router.Service] = balancer = TcpBalancer.Build(router.Service, section.Services, section.ServersTransports);
            }

            var route = new TcpRoute(router, [.. router.Middlewares.Select(m => middlewares[m])], balancer);
            foreach (var ep in router.EntryPoints)
            {
                if (!byEntryPoint.TryGetValue(ep, out var lists))
                {
                    byEntryPoint[ep] = lists = ([], []);
                }

                (router.Tls is null ? lists.Clear : lists.Tls).Add(route);
            }
        }

        // Routers arrive sorted by priority (then name), the order Traefik's muxer tries them.
        _byEntryPoint = byEntryPoint.ToFrozenDictionary(kv => kv.Key, kv => new TcpEntryPointRoutes([.. kv.Value.Clear], [.. kv.Value.Tls]), StringComparer.Ordinal);
    }

    public TcpEntryPointRoutes For(string entryPoint) => _byEntryPoint.GetValueOrDefault(entryPoint) ?? TcpEntryPointRoutes.None;
}
