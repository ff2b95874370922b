namespace Switchyard.Routing.Rules;

/// <summary>
/// Checks a matcher's arguments the way Traefik does when it builds the route (arity, empty values, ASCII
/// hosts, leading '/', valid regular expressions and IP ranges) — at parse time, so a parsed rule always
/// compiles.
/// </summary>
internal static class MatcherValidation
{
    /// <summary>Null when valid; otherwise the message and the index of the offending argument (-1: the call itself).</summary>
    public static string? Validate(RuleNode.Matcher node, out int argIndex)
    {
        argIndex = -1;
        var spec = MatcherCatalog.ByName(node.Name);
        if (spec is null)
        {
            return MatcherCatalog.UnknownNameMessage(node.Name);
        }

        var count = node.Args.Length;
        if (count < spec.MinArgs || count > spec.MaxArgs)
        {
            var expected = spec.MinArgs == spec.MaxArgs
                ? $"{spec.MinArgs} argument{(spec.MinArgs == 1 ? "" : "s")}"
                : $"{spec.MinArgs} or {spec.MaxArgs} arguments";
            var hint = count > spec.MaxArgs && spec.MaxArgs == 1 ? $" (v3 takes one value per matcher: combine several with ||)" : "";
            return $"{spec.Name} takes {expected}, got {count}{hint}";
        }

        for (var i = 0; i < count; i++)
        {
            if (node.Args[i].Length == 0)
            {
                argIndex = i;
                return $"{spec.Name}: empty argument";
            }
        }

        var value = node.Args[^1];
        argIndex = count - 1;
        switch (spec.Name)
        {
            case MatcherCatalog.Host:
            case MatcherCatalog.HostRegexp:
                if (!System.Text.Ascii.IsValid(value))
                {
                    return $"{spec.Name}: non-ASCII characters are not allowed (write the punycode form, xn--…)";
                }
                break;
            case MatcherCatalog.Path:
            case MatcherCatalog.PathPrefix:
                if (value[0] != '/')
                {
                    return $"{spec.Name}: the path must start with '/'";
                }
                break;
            case MatcherCatalog.ClientIP:
                if (!IpRange.TryParse(value, out _, out var ipError))
                {
                    return $"ClientIP: {ipError}";
                }
                break;
        }

        if (IsRegexMatcher(spec.Name) && !(spec.Name == MatcherCatalog.QueryRegexp && count == 1))
        {
            var regex = RuleRegex.TryCreate(value, out var regexError);
            if (regex is null)
            {
                return $"{spec.Name}: invalid regular expression: {regexError}";
            }
            RuleRegex.Remember(node, regex);
        }

        argIndex = -1;
        return null;
    }

    public static bool IsRegexMatcher(string name) =>
        name is MatcherCatalog.HostRegexp or MatcherCatalog.PathRegexp or MatcherCatalog.HeaderRegexp or MatcherCatalog.QueryRegexp;
}
