using Switchyard.Model.GatewayApi;
using static Switchyard.Routing.Rules.GoQuoting;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// Route matches → Traefik v3 rule text and priority, as Traefik's Gateway provider writes them
/// (pkg/provider/kubernetes/gateway/httproute.go buildMatchRule/buildHostRule/buildPathRule/buildHeaderRules/
/// buildQueryParamRules, grpcroute.go buildGRPCMatchRule): values are Go-quoted (%q), regexes of exact values are
/// Go's regexp.QuoteMeta. One departure: a GRPCRoute method regex is anchored (^…$), so an exact method match
/// does not also take every method it is a prefix of (Traefik's PathRegexp is unanchored). Another: the hostnames of more
/// specific listeners are excluded (<c>&amp;&amp; !Host(...)</c>, <see cref="ListenerIsolation"/>).
/// </summary>
internal static class GatewayRuleText
{
    /// <summary>HTTPRoute match → (rule, priority), Traefik's priorities: Exact path 100000, prefix 10000 + 100·len, method 1000, header 100, query 10, plus the host length.</summary>
    public static (string Rule, int Priority) Http(IReadOnlyList<string> hostnames, HttpRouteMatch match, IReadOnlyList<string>? excluded = null)
    {
        var parts = new List<string>();
        var (pathRule, priority) = Path(match.Path);
        parts.Add(pathRule);
        if (!string.IsNullOrEmpty(match.Method))
        {
            parts.Add($"Method({Quote(match.Method)})");
            priority += 1000;
        }

        foreach (var header in match.Headers ?? [])
        {
            parts.Add(IsRegex(header.Type) ? $"HeaderRegexp({Quote(header.Name)},{Quote(header.Value)})" : $"Header({Quote(header.Name)},{Quote(header.Value)})");
            priority += 100;
        }

        foreach (var query in match.QueryParams ?? [])
        {
            parts.Add(IsRegex(query.Type) ? $"QueryRegexp({Quote(query.Name)},{Quote(query.Value)})" : $"Query({Quote(query.Name)},{Quote(query.Value)})");
            priority += 10;
        }

        var rule = string.Join(" && ", parts) + Excluding(excluded);
        var (hostRule, hostPriority) = Hosts(hostnames);
        return hostRule.Length == 0 ? (rule, priority) : (hostRule + " && " + rule, priority + hostPriority);
    }

    /// <summary>GRPCRoute match → (rule, priority = length of the rule without host + the longest host), as Traefik.</summary>
    public static (string Rule, int Priority) Grpc(IReadOnlyList<string> hostnames, GrpcRouteMatch match, IReadOnlyList<string>? excluded = null)
    {
        var parts = new List<string> { Method(match.Method) };
        foreach (var header in match.Headers ?? [])
        {
            parts.Add(IsRegex(header.Type) ? $"HeaderRegexp({Quote(header.Name)},{Quote(header.Value)})" : $"Header({Quote(header.Name)},{Quote(header.Value)})");
        }

        var rule = string.Join(" && ", parts);
        var (hostRule, hostPriority) = Hosts(hostnames);
        var priority = hostRule.Length == 0 ? rule.Length : hostPriority + rule.Length;
        rule += Excluding(excluded);
        return hostRule.Length == 0 ? (rule, priority) : (hostRule + " && " + rule, priority);
    }

    /// <summary>The isolation clause: <c> &amp;&amp; !Host(...)</c> over the more specific listeners' hostnames; "" when none.</summary>
    private static string Excluding(IReadOnlyList<string>? excluded) =>
        excluded is { Count: > 0 } ? " && !" + Hosts(excluded).Rule : "";

    private static string Method(GrpcMethodMatch? method)
    {
        if (method is null)
        {
            return "PathPrefix(\"/\")";
        }

        var exact = method.Type is null or "Exact";
        string Part(string? value) => string.IsNullOrEmpty(value) ? "[^/]+" : exact ? QuoteMeta(value) : value;
        return $"PathRegexp({Quote($"^/{Part(method.Service)}/{Part(method.Method)}$")})";
    }

    private static (string Rule, int Priority) Path(HttpPathMatch? path)
    {
        var type = path?.Type ?? "PathPrefix";
        var value = path?.Value ?? "/";
        switch (type)
        {
            case "Exact":
                return ($"Path({Quote(value)})", 100000);
            case "RegularExpression":
                return ($"PathRegexp({Quote(value)})", 10000 + value.Length * 100);
            default:
                if (value == "/")
                {
                    // The catch-all is tried last.
                    return ("PathPrefix(\"/\")", 1);
                }

                // Prefix matching is by path element: /foo matches /foo and /foo/..., not /foobar.
                var trimmed = value.TrimEnd('/');
                return ($"(Path({Quote(trimmed)}) || PathPrefix({Quote(trimmed + "/")}))", 10000 + value.Length * 100);
        }
    }

    /// <summary>Host rules: one Host per name, a wildcard as HostRegexp of one label; priority = the longest hostname.</summary>
    private static (string Rule, int Priority) Hosts(IReadOnlyList<string> hostnames)
    {
        var rules = new List<string>();
        var priority = 0;
        foreach (var host in hostnames)
        {
            priority = Math.Max(priority, host.Length);
            if (!host.Contains('*', StringComparison.Ordinal))
            {
                rules.Add($"Host({Quote(host)})");
                continue;
            }

            var quoted = QuoteMeta(host);
            var at = quoted.IndexOf("\\*\\.", StringComparison.Ordinal);
            var pattern = at < 0 ? quoted : quoted[..at] + "[a-z0-9-\\.]+\\." + quoted[(at + 4)..];
            rules.Add($"HostRegexp({Quote("^" + pattern + "$")})");
        }

        return rules.Count switch
        {
            0 => ("", 0),
            1 => (rules[0], priority),
            _ => ("(" + string.Join(" || ", rules) + ")", priority),
        };
    }

    private static bool IsRegex(string? type) => type == "RegularExpression";
}
