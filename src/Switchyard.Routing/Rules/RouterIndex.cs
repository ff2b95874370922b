using Switchyard.Routing.Rules.Index;
using Switchyard.Routing.Rules.Matchers;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Rules;

/// <summary>
/// The routers of one entry point, arranged for fast matching: built once per table swap (off the request
/// path), then <see cref="Match"/> answers per request without allocating.
/// <para>
/// Structure: TLS and non-TLS routers apart (a router with <c>tls</c> matches only TLS requests and vice
/// versa) → a host dictionary (case-insensitive; routers whose rule requires one of a set of literal hosts),
/// a wildcard dictionary (<c>Host(`*.a.com`)</c>, keyed by what follows the first label: <c>a.com</c>)
/// plus a fallback bucket (no host condition: HostRegexp, ClientIP-only, …) → in each bucket a
/// <see cref="PathIndex"/> (exact paths, prefix trie, routers without path condition) → the router's full
/// compiled matcher. The buckets only skip routers that cannot match; the winner is always confirmed by its
/// own <see cref="Router.Matcher"/>, and among candidates the lowest rank in priority order wins — so the
/// answer is exactly that of a linear scan in priority order, at a cost that does not grow with the number
/// of host+path routes.
/// </para>
/// <para>
/// Host and path conditions are read off each router's <see cref="Router.Expression"/>, the tree the compiler
/// parsed (the rule text is never parsed again). A match answers the <typeparamref name="TRoute"/> given for the
/// router at build time (the data plane's compiled route), so the request path does no lookup after matching.
/// </para>
/// </summary>
public sealed class RouterIndex<TRoute>
    where TRoute : class
{
    private readonly Router[] _routers;
    private readonly IRuleMatcher[] _matchers;
    private readonly TRoute[] _routes;
    private readonly Section _tls;
    private readonly Section _plain;

    private RouterIndex(Router[] routers, TRoute[] routes, Section tls, Section plain)
    {
        _routers = routers;
        _matchers = Array.ConvertAll(routers, r => r.Matcher);
        _routes = routes;
        _tls = tls;
        _plain = plain;
    }

    /// <summary>The routers in the order they are tried (<see cref="RouterOrder"/>): priority descending, then name (ordinal).</summary>
    public IReadOnlyList<Router> Routers => _routers;

    /// <summary>
    /// Indexes routers (typically those of one entry point), each answered as <paramref name="route"/>(router).
    /// A router without <see cref="Router.Expression"/> is not indexed by host or path (its matcher still decides).
    /// </summary>
    public static RouterIndex<TRoute> Build(IEnumerable<Router> routers, Func<Router, TRoute> route)
    {
        ArgumentNullException.ThrowIfNull(routers);
        ArgumentNullException.ThrowIfNull(route);
        // Stable: routers that compare equal keep their given order.
        var ordered = routers.Order(Comparer<Router>.Create(RouterOrder.Compare)).ToArray();

        var tls = new Section.Builder();
        var plain = new Section.Builder();
        for (var rank = 0; rank < ordered.Length; rank++)
        {
            var router = ordered[rank];
            var constraints = router.Expression is { } tree ? RouteConstraints.Of(tree) : RouteConstraints.None;
            (router.Tls is null ? plain : tls).Add(rank, constraints);
        }

        return new RouterIndex<TRoute>(ordered, Array.ConvertAll(ordered, r => route(r)), tls.Build(), plain.Build());
    }

    /// <summary>The first router in priority order whose rule matches the request (and whose TLS mode fits), or null.</summary>
    public TRoute? Match(IRequestFacts request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var best = (request.IsTls ? _tls : _plain).Search(request, _matchers);
        return best == int.MaxValue ? null : _routes[best];
    }

    private sealed class Section
    {
        private readonly Dictionary<string, PathIndex> _hosts;
        private readonly Dictionary<string, PathIndex>.AlternateLookup<ReadOnlySpan<char>> _hostLookup;
        private readonly Dictionary<string, PathIndex> _wildcards;
        private readonly Dictionary<string, PathIndex>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
        private readonly PathIndex _anyHost;

        private Section(Dictionary<string, PathIndex> hosts, Dictionary<string, PathIndex> wildcards, PathIndex anyHost)
        {
            _hosts = hosts;
            _hostLookup = hosts.GetAlternateLookup<ReadOnlySpan<char>>();
            _wildcards = wildcards;
            _wildcardLookup = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
            _anyHost = anyHost;
        }

        public int Search(IRequestFacts request, IRuleMatcher[] matchers)
        {
            var best = int.MaxValue;
            if (_hosts.Count > 0)
            {
                var host = RequestHost.Canonical(request.Host);
                if (_hostLookup.TryGetValue(host, out var bucket))
                {
                    bucket.Search(request, matchers, ref best);
                }
                // Host(`a.com`) also matches a request for "a.com." (Traefik's trailing-dot rule).
                if (host.Length > 1 && host[^1] == '.' && _hostLookup.TryGetValue(host[..^1], out var undotted))
                {
                    undotted.Search(request, matchers, ref best);
                }
            }
            if (_wildcards.Count > 0)
            {
                // Host(`*.a.com`): the request host without its first label (and without a trailing dot) is the key.
                var host = RequestHost.Canonical(request.Host);
                var dot = host.IndexOf('.');
                if (dot >= 0 && _wildcardLookup.TryGetValue(WildcardKey(host[(dot + 1)..]), out var wild))
                {
                    wild.Search(request, matchers, ref best);
                }
            }
            _anyHost.Search(request, matchers, ref best);
            return best;
        }

        private static ReadOnlySpan<char> WildcardKey(ReadOnlySpan<char> rest) =>
            rest.Length > 1 && rest[^1] == '.' ? rest[..^1] : rest;

        public sealed class Builder
        {
            private readonly Dictionary<string, PathIndex.Builder> _hosts = new(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, PathIndex.Builder> _wildcards = new(StringComparer.OrdinalIgnoreCase);
            private readonly PathIndex.Builder _anyHost = new();

            public void Add(int rank, RouteConstraints constraints)
            {
                if (constraints.Hosts is null)
                {
                    _anyHost.Add(rank, constraints.Paths);
                    return;
                }

                foreach (var host in constraints.Hosts.Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (host.StartsWith('*'))
                    {
                        // Only "*.rest" can match anything (the first label is replaced by "*"); the key drops
                        // the trailing dot, as both dotted spellings match. Anything else is left to the matcher.
                        if (host.StartsWith("*.", StringComparison.Ordinal))
                        {
                            Bucket(_wildcards, WildcardKey(host.AsSpan(2)).ToString()).Add(rank, constraints.Paths);
                        }
                        continue;
                    }

                    Bucket(_hosts, host).Add(rank, constraints.Paths);
                    // Host(`a.com.`) also matches a request for "a.com".
                    if (host.Length > 1 && host[^1] == '.' && !constraints.Hosts.Contains(host[..^1], StringComparer.OrdinalIgnoreCase))
                    {
                        Bucket(_hosts, host[..^1]).Add(rank, constraints.Paths);
                    }
                }
            }

            private static PathIndex.Builder Bucket(Dictionary<string, PathIndex.Builder> buckets, string host)
            {
                if (!buckets.TryGetValue(host, out var bucket))
                {
                    buckets[host] = bucket = new PathIndex.Builder();
                }
                return bucket;
            }

            public Section Build() => new(
                _hosts.ToDictionary(h => h.Key, h => h.Value.Build(), StringComparer.OrdinalIgnoreCase),
                _wildcards.ToDictionary(h => h.Key, h => h.Value.Build(), StringComparer.OrdinalIgnoreCase),
                _anyHost.Build());
        }
    }
}

/// <summary>A <see cref="RouterIndex{TRoute}"/> that answers the matching router itself (`explain`, tests).</summary>
public static class RouterIndex
{
    public static RouterIndex<Router> Build(IEnumerable<Router> routers) => RouterIndex<Router>.Build(routers, r => r);
}
