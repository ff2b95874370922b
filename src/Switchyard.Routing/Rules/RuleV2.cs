using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Traefik's deprecated v2 rule syntax (<c>ruleSyntax: v2</c>), rewritten at parse time into the equivalent v3
/// tree — so compiling, indexing and printing need nothing v2-specific, and printing a v2 rule shows its v3
/// translation. Traefik v2 built these matchers on gorilla/mux:
/// <list type="bullet">
/// <item><c>Host</c>/<c>HostHeader</c>, <c>ClientIP</c>, <c>Method</c> take several values: any of them
/// (<c>Host(`a`, `b`)</c> → <c>Host(`a`) || Host(`b`)</c>).</item>
/// <item><c>Path</c>/<c>PathPrefix</c> take several templates; <c>{name}</c> / <c>{name:regexp}</c> variables
/// (default <c>[^/]+</c>) turn a template into an anchored <c>PathRegexp</c>; without variables they stay
/// <c>Path</c>/<c>PathPrefix</c>.</item>
/// <item><c>HostRegexp</c> takes host templates (default variable pattern <c>[^.]+</c>), anchored at both ends.</item>
/// <item><c>Headers(k, v)</c> → <c>Header</c>, <c>HeadersRegexp(k, re)</c> → <c>HeaderRegexp</c>.</item>
/// <item><c>Query(`k=v`, …)</c> → <c>Query(k, v)</c>; <c>k=</c> means any value; templated values become
/// <c>QueryRegexp</c>. (gorilla looked at the first value of k only; the v3 matchers look at all of them.)</item>
/// </list>
/// </summary>
internal static class RuleV2
{
    private static readonly string[] Names = ["Host", "HostHeader", "HostRegexp", "ClientIP", "Path", "PathPrefix", "Method", "Headers", "HeadersRegexp", "Query"];

    private static readonly FrozenDictionary<string, string> ByWrittenName = Names
        .SelectMany(n => MatcherCatalog.Forms(n).Select(f => (Form: f, Name: n)))
        .DistinctBy(x => x.Form)
        .ToFrozenDictionary(x => x.Form, x => x.Name, StringComparer.Ordinal);

    public static RuleNode Desugar(RuleToken name, ImmutableArray<string> args, IReadOnlyList<int> argColumns, Func<int, string, Exception> error)
    {
        if (!ByWrittenName.TryGetValue(name.Text, out var matcher))
        {
            var v3Only = MatcherCatalog.Resolve(name.Text);
            throw error(name.Column, v3Only is not null
                ? $"unknown v2 matcher '{name.Text}' ({v3Only.Name} is v3 syntax)"
                : $"unknown v2 matcher '{name.Text}' (matchers: {string.Join(", ", Names.Order(StringComparer.Ordinal))})");
        }

        if (args.Length == 0)
        {
            throw error(name.Column, $"{matcher} needs at least one argument");
        }
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].Length == 0)
            {
                throw error(argColumns[i], $"{matcher}: empty argument");
            }
        }

        var nodes = new List<RuleNode>();
        switch (matcher)
        {
            case "Headers":
            case "HeadersRegexp":
                if (args.Length != 2)
                {
                    throw error(name.Column, $"{matcher} takes 2 arguments (a header name and a value), got {args.Length}");
                }
                nodes.Add(Checked(new RuleNode.Matcher(matcher == "Headers" ? MatcherCatalog.Header : MatcherCatalog.HeaderRegexp, args[0], args[1]), 1));
                break;
            default:
                for (var i = 0; i < args.Length; i++)
                {
                    nodes.Add(Checked(One(matcher, args[i], m => error(argColumns[i], $"{matcher}: {m}")), i));
                }
                break;
        }

        var result = nodes[0];
        for (var i = 1; i < nodes.Count; i++)
        {
            result = new RuleNode.Or(result, nodes[i]);
        }
        return result;

        RuleNode Checked(RuleNode.Matcher node, int argIndex)
        {
            var problem = MatcherValidation.Validate(node, out _);
            return problem is null ? node : throw error(argColumns[argIndex], problem);
        }
    }

    private static RuleNode.Matcher One(string matcher, string value, Func<string, Exception> error)
    {
        switch (matcher)
        {
            case "Host":
            case "HostHeader":
                return new RuleNode.Matcher(MatcherCatalog.Host, value);
            case "ClientIP":
                return new RuleNode.Matcher(MatcherCatalog.ClientIP, value);
            case "Method":
                return new RuleNode.Matcher(MatcherCatalog.Method, value);
            case "HostRegexp":
                return new RuleNode.Matcher(MatcherCatalog.HostRegexp, Template(value, "[^.]+", anchorEnd: true, error).Regex);
            case "Path":
            case "PathPrefix":
            {
                if (value[0] != '/')
                {
                    throw error("the path must start with '/'");
                }
                var (regex, hasVariables) = Template(value, "[^/]+", anchorEnd: matcher == "Path", error);
                return hasVariables
                    ? new RuleNode.Matcher(MatcherCatalog.PathRegexp, regex)
                    : new RuleNode.Matcher(matcher == "Path" ? MatcherCatalog.Path : MatcherCatalog.PathPrefix, value);
            }
            case "Query":
            {
                var eq = value.IndexOf('=');
                if (eq <= 0)
                {
                    throw error($"'{value}' is not key=value");
                }
                var key = value[..eq];
                var expected = value[(eq + 1)..];
                if (expected.Length == 0)
                {
                    return new RuleNode.Matcher(MatcherCatalog.QueryRegexp, key, "^");
                }
                var (regex, hasVariables) = Template(expected, "[^?&]*", anchorEnd: true, error);
                return hasVariables
                    ? new RuleNode.Matcher(MatcherCatalog.QueryRegexp, key, regex)
                    : new RuleNode.Matcher(MatcherCatalog.Query, key, expected);
            }
            default:
                throw error("unsupported matcher");
        }
    }

    /// <summary>gorilla/mux's template → regexp: literal text quoted, <c>{name:pattern}</c> as a group.</summary>
    private static (string Regex, bool HasVariables) Template(string template, string defaultPattern, bool anchorEnd, Func<string, Exception> error)
    {
        var sb = new StringBuilder("^");
        var level = 0;
        var literalStart = 0;
        var variableStart = 0;
        var variables = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                if (++level == 1)
                {
                    GoQuoting.QuoteMeta(sb, template.AsSpan(literalStart, i - literalStart));
                    variableStart = i;
                }
            }
            else if (template[i] == '}')
            {
                if (--level == 0)
                {
                    var inner = template[(variableStart + 1)..i];
                    var colon = inner.IndexOf(':');
                    var variable = colon < 0 ? inner : inner[..colon];
                    var pattern = colon < 0 ? defaultPattern : inner[(colon + 1)..];
                    if (variable.Length == 0 || pattern.Length == 0)
                    {
                        throw error($"missing name or pattern in '{template[variableStart..(i + 1)]}'");
                    }
                    sb.Append(pattern[0] == '(' && pattern[^1] == ')' ? pattern : $"({pattern})");
                    literalStart = i + 1;
                    variables++;
                }
                else if (level < 0)
                {
                    throw error($"unbalanced braces in '{template}'");
                }
            }
        }
        if (level != 0)
        {
            throw error($"unbalanced braces in '{template}'");
        }

        GoQuoting.QuoteMeta(sb, template.AsSpan(literalStart));
        if (anchorEnd)
        {
            sb.Append('$');
        }
        return (sb.ToString(), variables > 0);
    }
}
