namespace Switchyard.Routing.Rules.Index;

/// <summary>
/// The routers of one host bucket, arranged by path: exact paths in a dictionary, path prefixes in a
/// character trie, routers without a path condition in a list. Every list holds router ranks (positions in
/// priority order) ascending. A search walks the request path once through the (radix) trie, so its cost depends on
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
    public void Search(IRequestFacts request, IRuleMatcher[] matchers, ref int best)
    {
        Scan(_anyPath, request, matchers, ref best);

        var path = request.Path ?? "";
        if (_exact.Count > 0 && _exact.TryGetValue(path, out var exact))
        {
            Scan(exact, request, matchers, ref best);
        }

        var node = _prefixes;
        Scan(node.Routers, request, matchers, ref best);
        var at = 0;
        while (at < path.Length && node.Child(path[at]) is { } child && path.AsSpan(at).StartsWith(child.Label, StringComparison.Ordinal))
        {
            at += child.Label.Length;
            node = child;
            if (node.Routers.Length > 0)
            {
                Scan(node.Routers, request, matchers, ref best);
            }
        }
    }

    private static void Scan(int[] ranks, IRequestFacts request, IRuleMatcher[] matchers, ref int best)
    {
        foreach (var rank in ranks)
        {
            if (rank >= best)
            {
                return;
            }
            if (matchers[rank].Matches(request))
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

    /// <summary>
    /// A node of a radix trie: chains of single-child nodes are folded into one edge label, so 10 000 hosts
    /// with one path each cost one small node per path, not one dictionary per character (≈ 50 MB before).
    /// </summary>
    internal sealed class TrieNode
    {
        // The first character of each outgoing edge, at the index of its child; edges differ in their first character.
        private readonly string _edges;
        private readonly TrieNode[] _children;

        private TrieNode(string label, string edges, TrieNode[] children, int[] routers)
        {
            Label = label;
            _edges = edges;
            _children = children;
            Routers = routers;
        }

        /// <summary>The characters on the edge into this node (empty for the root).</summary>
        public string Label { get; }

        public int[] Routers { get; }

        public TrieNode? Child(char c)
        {
            var i = _edges.IndexOf(c, StringComparison.Ordinal);
            return i < 0 ? null : _children[i];
        }

        public sealed class Builder
        {
            // Allocated on demand: most trie nodes have one child and no routers.
            private SortedDictionary<char, Builder>? _children;
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

            public TrieNode Build() => Build("");

            private TrieNode Build(string label)
            {
                if (_children is null)
                {
                    return new TrieNode(label, "", [], Ranks(_routers));
                }

                var edges = new char[_children.Count];
                var children = new TrieNode[_children.Count];
                var i = 0;
                foreach (var (c, first) in _children)
                {
                    // Follow the chain of nodes that have one child and no routers: they become one edge.
                    var edge = new System.Text.StringBuilder().Append(c);
                    var node = first;
                    while (node._routers is null && node._children is { Count: 1 } only)
                    {
                        var (next, child) = only.First();
                        edge.Append(next);
                        node = child;
                    }
                    edges[i] = c;
                    children[i++] = node.Build(edge.ToString());
                }
                return new TrieNode(label, new string(edges), children, Ranks(_routers));
            }
        }
    }
}
