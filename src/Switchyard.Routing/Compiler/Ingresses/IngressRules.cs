using Switchyard.Model.Diagnostics;
using static Switchyard.Routing.Rules.GoQuoting;

namespace Switchyard.Routing.Compiler.Ingresses;

/// <summary>
/// The rule of one Ingress path, as Traefik writes it (loadRouter, buildRule, buildStrictPrefixMatchingRule,
/// buildHostRuleV2 in pkg/provider/kubernetes/ingress/kubernetes.go): <c>Host("h") &amp;&amp; PathPrefix("/p")</c>, values
/// quoted like Go's %q.
/// </summary>
internal static class IngressRules
{
    private const string DefaultPathMatcher = "PathPrefix";

    /// <summary>The rule text, or null with the problem (an invalid router.pathmatcher skips the path, as in Traefik).</summary>
    public static string? Build(string? host, string? path, string? pathType, string? pathMatcher, bool v2, bool strictPrefix, out Problem? problem)
    {
        problem = null;
        var parts = new List<string>(2);
        if (!string.IsNullOrEmpty(host))
        {
            parts.Add(v2 && host.StartsWith("*.", StringComparison.Ordinal)
                ? $"HostRegexp({Quote("{subdomain:[a-zA-Z0-9-]+}." + host[2..])})"
                : $"Host({Quote(host)})");
        }

        if (!string.IsNullOrEmpty(path))
        {
            var matcher = DefaultPathMatcher;
            if (pathType is null or "" or "ImplementationSpecific")
            {
                if (pathMatcher is not null)
                {
                    if (pathMatcher is not ("Path" or "PathPrefix" or "PathRegexp"))
                    {
                        problem = Problem.Error(DiagnosticCodes.IngressAnnotationInvalid, "InvalidPathMatcher",
                            $"router.pathmatcher '{pathMatcher}' is not Path, PathPrefix or PathRegexp; this path is not served");
                        return null;
                    }

                    matcher = pathMatcher;
                }
            }
            else if (pathType == "Exact")
            {
                matcher = "Path";
            }
            else if (pathType != "Prefix")
            {
                // The API server only accepts the three types; a folder may hold anything.
                problem = Problem.Error(DiagnosticCodes.IngressAnnotationInvalid, "InvalidPathType",
                    $"pathType '{pathType}' is not Exact, Prefix or ImplementationSpecific; this path is not served");
                return null;
            }

            parts.Add(strictPrefix && matcher == DefaultPathMatcher ? StrictPrefix(path) : $"{matcher}({Quote(path)})");
        }

        return string.Join(" && ", parts);
    }

    /// <summary>Kubernetes' element-wise prefix: <c>/foo</c> matches <c>/foo</c> and <c>/foo/…</c>, not <c>/foobar</c>.</summary>
    private static string StrictPrefix(string path)
    {
        if (path == "/")
        {
            return "PathPrefix(\"/\")";
        }

        var trimmed = path.EndsWith('/') ? path[..^1] : path;
        return $"(Path({Quote(trimmed)}) || PathPrefix({Quote(trimmed + "/")}))";
    }
}
