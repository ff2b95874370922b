using Switchyard.Routing.Table;

namespace Switchyard.Routing.Rules.Index;

/// <summary>
/// The routers of one host bucket, arranged by path: exact paths in a dictionary, path prefixes in a
/// character trie, routers without a path condition in a list. Every list holds router ranks (positions in
/// priority order) ascending. A search walks the request path once through the trie, so its cost depends on
/// the path's length and the routers that really share the path, not on how many routers exist.
/// </summary>
internal sealed class PathIndex
{
    private readonly Dictionary<string, int[]> _exact;
    private readonly TrieNode _prefixes;
    private readonly int[] _anyPath;

    private PathIndex(Dictionary<string, int[]> exact, TrieNode prefixes, int[] anyPath)
    {
        _exact = exact;
        _prefixes = prefixes;
        _anyPath = anyPath;
    }

    /// <summary>Lowers <paramref name="best"/> to the rank of the first router here (rank &lt; best) that matches.</summary>
    public void Search(IRequestFacts request, Router[] routers, ref int best)
    {
        Scan(_anyPath, request, routers, ref best);

        var path = request.Path ?? "";
        if (_exact.Count > 0 && _exact.TryGetValue(path, out var exact))
        {
            Scan(exact, request, routers, ref best);
        }

        var node = _prefixes;
        foreach (var c in path)
        {
            node = node.Child(c);
            if (node is null)
            {
                break;
            }
            if (node.Routers.Length > 0)
            {
                Scan(node.Routers, request, routers, ref best);
            }
        }
    }

    private static void Scan(int[] ranks, IRequestFacts request, Router[] routers, ref int best)
    {
        foreach (var rank in ranks)
        {
            if (rank >= best)
            {
                return;
            }
            if (routers[rank].Matcher.Matches(request))
            {
                best = rank;
                return;
            }
        }
    }

    public sealed class Builder
    {
        private readonly Dictionary<string, List<int>> _exact = new(StringComparer.Ordinal);
        private readonly TrieNode.Builder _prefixes = new();
        private readonly List<int> _anyPath = [];

        public void Add(int rank, IReadOnlyList<PathConstraint>? paths)
        {
            if (paths is null)
            {
                _anyPath.Add(rank);
                return;
            }

            foreach (var path in paths)
            {
                if (path.Kind == PathConstraintKind.Exact)
                {
                    if (!_exact.TryGetValue(path.Value, out var set))
                    {
                        _exact[path.Value] = set = [];
                    }
                    set.Add(rank);
                }
                else
                {
                    _prefixes.Add(path.Value, rank);
                }
            }
        }

        public PathIndex Build() =>
            new(_exact.ToDictionary(e => e.Key, e => Ranks(e.Value), StringComparer.Ordinal), _prefixes.Build(), Ranks(_anyPath));
    }

    /// <summary>Ranks ascending, without duplicates (a rule may name the same path twice).</summary>
    internal static int[] Ranks(List<int>? ranks)
    {
        if (ranks is null || ranks.Count == 0)
        {
            return [];
        }
        ranks.Sort();
        var distinct = new List<int>(ranks.Count) { ranks[0] };
        for (var i = 1; i < ranks.Count; i++)
        {
            if (ranks[i] != ranks[i - 1])
            {
                distinct.Add(ranks[i]);
            }
        }
        return [.. distinct];
    }

    internal sealed class TrieNode(Dictionary<char, TrieNode>? children, int[] routers)
    {
        public int[] Routers { get; } = routers;

        public TrieNode? Child(char c) => children is not null && children.TryGetValue(c, out var child) ? child : null;

        public sealed class Builder
        {
            // Allocated on demand: most trie nodes have one child and no routers.
            private Dictionary<char, Builder>? _children;
            private List<int>? _routers;

            public void Add(string prefix, int rank)
            {
                var node = this;
                foreach (var c in prefix)
                {
                    node._children ??= [];
                    if (!node._children.TryGetValue(c, out var child))
                    {
                        node._children[c] = child = new Builder();
                    }
                    node = child;
                }
                (node._routers ??= []).Add(rank);
            }

            public TrieNode Build() =>
                new(_children is null ? null : _children.ToDictionary(c => c.Key, c => c.Value.Build()), Ranks(_routers));
        }
    }
}
