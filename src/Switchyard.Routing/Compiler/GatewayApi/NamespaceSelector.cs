using System.Text.RegularExpressions;
using k8s.Models;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// A listener's <c>allowedRoutes.namespaces.selector</c> (a Kubernetes LabelSelector) as a predicate on a Namespace's
/// labels, with the API machinery's validation (metav1.LabelSelectorAsSelector, which Traefik's allowedNamespaces calls):
/// matchLabels and matchExpressions are ANDed; operators In, NotIn, Exists, DoesNotExist; In/NotIn need values,
/// Exists/DoesNotExist take none; keys are qualified names and values label values. An empty selector matches every
/// namespace. Parse reports the first problem instead of throwing, so a bad selector fails only its listener.
/// </summary>
internal sealed partial class NamespaceSelector
{
    private readonly List<(string Key, string Operator, HashSet<string> Values)> _requirements;

    private NamespaceSelector(List<(string, string, HashSet<string>)> requirements) => _requirements = requirements;

    /// <summary>The selector, or null with <paramref name="error"/> saying what is wrong with it.</summary>
    public static NamespaceSelector? Parse(V1LabelSelector? selector, out string? error)
    {
        error = null;
        if (selector is null)
        {
            error = "from Selector needs a selector (matchLabels and/or matchExpressions)";
            return null;
        }

        var requirements = new List<(string, string, HashSet<string>)>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if ((error = KeyError(key) ?? ValueError(key, value)) is not null)
            {
                return null;
            }

            requirements.Add((key, "In", new HashSet<string>(StringComparer.Ordinal) { value ?? "" }));
        }

        var expressions = selector.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            var expression = expressions[i];
            var op = expression.OperatorProperty ?? "";
            var values = expression.Values ?? [];
            error = KeyError(expression.Key ?? "") ?? op switch
            {
                "In" or "NotIn" when values.Count == 0 => $"matchExpressions[{i}]: operator {op} needs at least one value",
                "Exists" or "DoesNotExist" when values.Count > 0 => $"matchExpressions[{i}]: operator {op} takes no values",
                "In" or "NotIn" or "Exists" or "DoesNotExist" => values.Select(v => ValueError(expression.Key!, v)).FirstOrDefault(e => e is not null),
                _ => $"matchExpressions[{i}]: \"{op}\" is not a valid operator (In, NotIn, Exists, DoesNotExist)",
            };
            if (error is not null)
            {
                return null;
            }

            requirements.Add((expression.Key!, op, new HashSet<string>(values, StringComparer.Ordinal)));
        }

        return new NamespaceSelector(requirements);
    }

    /// <summary>Whether a Namespace with <paramref name="labels"/> is selected.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var (key, op, values) in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(key, out value);
            var ok = op switch
            {
                "In" => has && values.Contains(value ?? ""),
                "NotIn" => !has || !values.Contains(value ?? ""),
                "Exists" => has,
                _ => !has, // DoesNotExist
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters.</summary>
    private static string? KeyError(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !Subdomain().IsMatch(prefix))
            {
                return $"label key \"{key}\": the prefix must be a DNS subdomain";
            }
        }

        return name.Length is 0 or > 63 || !LabelName().IsMatch(name)
            ? $"label key \"{key}\": the name must be 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
            : null;
    }

    private static string? ValueError(string key, string? value) =>
        value is null or "" || (value.Length <= 63 && LabelName().IsMatch(value))
            ? null
            : $"label {key}: value \"{value}\" must be at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric";

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
