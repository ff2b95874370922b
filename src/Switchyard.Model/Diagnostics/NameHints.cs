namespace Switchyard.Model.Diagnostics;

/// <summary>
/// "Did you mean …?" for a misspelt name (a manifest field, a kind, a static-config key): the known name closest
/// to it by edit distance, ignoring case. One rule everywhere, so every message suggests the same way.
/// </summary>
public static class NameHints
{
    /// <summary>The closest candidate when it is a plausible misspelling: same letters in another case, or within 2 edits (1 for short names).</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        var (closest, distance) = Closest(name, candidates);
        return distance <= (name.Length < 5 ? 1 : 2) ? closest : null;
    }

    /// <summary>The candidate with the fewest edits from <paramref name="name"/> (ties: ordinal order), however far.</summary>
    public static (string? Name, int Distance) Closest(string name, IEnumerable<string> candidates)
    {
        var lower = name.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return (best, bestDistance);
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
