using System.Collections.Frozen;

namespace Switchyard.Routing.Rules;

/// <summary>One matcher of the v3 language: canonical name and how many arguments it takes.</summary>
internal sealed record MatcherSpec(string Name, int MinArgs, int MaxArgs);

/// <summary>
/// The v3 matchers (Traefik <c>pkg/muxer/http/matcher.go</c>) and the spellings Traefik accepts for each name
/// (<c>pkg/rules/parser.go</c>): as written, all lower case, all upper case, and title case of the lower-case
/// name — <c>PathPrefix</c>, <c>pathprefix</c>, <c>PATHPREFIX</c>, <c>Pathprefix</c>. Nothing else
/// (<c>pathPrefix</c> is an unknown matcher in Traefik too).
/// </summary>
internal static class MatcherCatalog
{
    public const string Host = "Host";
    public const string HostRegexp = "HostRegexp";
    public const string Path = "Path";
    public const string PathPrefix = "PathPrefix";
    public const string PathRegexp = "PathRegexp";
    public const string Header = "Header";
    public const string HeaderRegexp = "HeaderRegexp";
    public const string Method = "Method";
    public const string Query = "Query";
    public const string QueryRegexp = "QueryRegexp";
    public const string ClientIP = "ClientIP";

    public static readonly IReadOnlyList<MatcherSpec> All =
    [
        new(ClientIP, 1, 1),
        new(Method, 1, 1),
        new(Host, 1, 1),
        new(HostRegexp, 1, 1),
        new(Path, 1, 1),
        new(PathRegexp, 1, 1),
        new(PathPrefix, 1, 1),
        new(Header, 2, 2),
        new(HeaderRegexp, 2, 2),
        new(Query, 1, 2),
        new(QueryRegexp, 1, 2),
    ];

    private static readonly FrozenDictionary<string, MatcherSpec> ByWrittenName = BuildForms();

    private static readonly FrozenDictionary<string, MatcherSpec> ByCanonicalName =
        All.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    // v2 names a user migrating from v2 is likely to write; the error says what v3 calls them.
    private static readonly FrozenDictionary<string, string> V2Names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Headers"] = Header,
        ["HeadersRegexp"] = HeaderRegexp,
        ["HostHeader"] = Host,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The matcher named as written, or null when Traefik would not accept that spelling.</summary>
    public static MatcherSpec? Resolve(string written) => ByWrittenName.GetValueOrDefault(written);

    /// <summary>The matcher of a canonical name (as stored in the AST).</summary>
    public static MatcherSpec? ByName(string canonical) => ByCanonicalName.GetValueOrDefault(canonical);

    /// <summary>A message for a name that is not a matcher, with the nearest correct spelling when there is one.</summary>
    public static string UnknownNameMessage(string written)
    {
        var sameLetters = All.FirstOrDefault(s => string.Equals(s.Name, written, StringComparison.OrdinalIgnoreCase));
        if (sameLetters is not null)
        {
            return $"unknown matcher '{written}': write {string.Join(", ", Forms(sameLetters.Name))}";
        }

        if (V2Names.TryGetValue(written, out var v3))
        {
            return $"unknown matcher '{written}': that is v2 syntax, v3 calls it {v3}";
        }

        return $"unknown matcher '{written}' (matchers: {string.Join(", ", All.Select(s => s.Name).Order(StringComparer.Ordinal))})";
    }

    public static IEnumerable<string> Forms(string name)
    {
        var lower = name.ToLowerInvariant();
        return new[] { name, lower, name.ToUpperInvariant(), char.ToUpperInvariant(lower[0]) + lower[1..] }.Distinct(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, MatcherSpec> BuildForms()
    {
        var forms = new Dictionary<string, MatcherSpec>(StringComparer.Ordinal);
        foreach (var spec in All)
        {
            foreach (var form in Forms(spec.Name))
            {
                forms[form] = spec;
            }
        }
        return forms.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
