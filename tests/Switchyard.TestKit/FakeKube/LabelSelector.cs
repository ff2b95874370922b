using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// The labelSelector query parameter: equality (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>), set
/// (<c>a in (x,y)</c>, <c>a notin (x)</c>) and existence (<c>a</c>, <c>!a</c>) requirements, comma-joined.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static LabelSelector Everything { get; } = new();

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTopLevel(text))
        {
            var req = raw.Trim();
            if (req.Length == 0)
            {
                continue;
            }

            selector._requirements.Add(ParseRequirement(req));
        }

        return selector;
    }

    public bool Matches(JsonObject obj)
    {
        if (_requirements.Count == 0)
        {
            return true;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject l)
        {
            foreach (var (k, v) in l)
            {
                labels[k] = v?.ToString() ?? "";
            }
        }

        return _requirements.All(r => r(labels));
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string req)
    {
        if (req.StartsWith('!'))
        {
            var key = req[1..].Trim();
            return l => !l.ContainsKey(key);
        }

        var notin = req.IndexOf(" notin ", StringComparison.Ordinal);
        if (notin > 0)
        {
            var key = req[..notin].Trim();
            var set = ParseSet(req[(notin + 7)..]);
            return l => !l.TryGetValue(key, out var v) || !set.Contains(v);
        }

        var inIdx = req.IndexOf(" in ", StringComparison.Ordinal);
        if (inIdx > 0)
        {
            var key = req[..inIdx].Trim();
            var set = ParseSet(req[(inIdx + 4)..]);
            return l => l.TryGetValue(key, out var v) && set.Contains(v);
        }

        var ne = req.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            var key = req[..ne].Trim();
            var value = req[(ne + 2)..].Trim();
            return l => !l.TryGetValue(key, out var v) || v != value;
        }

        var eq = req.IndexOf('=');
        if (eq > 0)
        {
            var key = req[..eq].Trim();
            var value = req[(eq + 1)..].TrimStart('=').Trim();
            return l => l.TryGetValue(key, out var v) && v == value;
        }

        var exists = req.Trim();
        return l => l.ContainsKey(exists);
    }

    private static HashSet<string> ParseSet(string text)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        return [.. inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    // Commas inside "(x,y)" belong to a set, not to the requirement list.
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
