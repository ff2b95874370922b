using System.Collections.Immutable;
using System.Globalization;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Ingresses;

/// <summary>
/// The router settings of an Ingress's <c>traefik.ingress.kubernetes.io/router.*</c> annotations
/// (pkg/provider/kubernetes/ingress/annotations.go, RouterIng).
/// </summary>
internal sealed record IngressRouterAnnotations(
    string? PathMatcher,
    ImmutableArray<string> EntryPoints,
    ImmutableArray<string> Middlewares,
    long Priority,
    string? RuleSyntax,
    IngressTlsAnnotations? Tls,
    ObservabilitySwitches? Observability)
{
    public static IngressRouterAnnotations None { get; } = new(null, [], [], 0, null, null, null);
}

/// <summary><c>router.tls</c> (present ⇒ the routers serve TLS), <c>router.tls.certresolver</c>, <c>.options</c>, <c>.domains.N.*</c>.</summary>
internal sealed record IngressTlsAnnotations(string? CertResolver, string? Options, ImmutableArray<TlsDomain> Domains);

/// <summary>
/// Reads Traefik's Ingress annotations the way Traefik's label decoder does: keys after the prefix are
/// case-insensitive, lists are comma-separated, booleans are Go's (1, t, true, 0, f, false…), and a key the
/// decoder does not know is an error that costs the Ingress all its routers (Traefik: "Failed to parse annotations").
/// </summary>
internal static class IngressAnnotations
{
    public const string Prefix = "traefik.ingress.kubernetes.io/";
    private const string RouterPrefix = "router.";
    private const string ServicePrefix = "service.";

    /// <summary>Field path of an annotation (its parent, metadata.annotations, is what a file location resolves to).</summary>
    public static string Field(string key) => $"metadata.annotations[{key}]";

    /// <summary>The router annotations of an Ingress; problems carry the annotation's field path.</summary>
    public static IngressRouterAnnotations ParseRouter(IDictionary<string, string>? annotations, List<(Problem Problem, string Field)> problems)
    {
        if (annotations is null)
        {
            return IngressRouterAnnotations.None;
        }

        string? pathMatcher = null, ruleSyntax = null, certResolver = null, tlsOptions = null, traceVerbosity = null;
        ImmutableArray<string> entryPoints = [], middlewares = [];
        long priority = 0;
        bool tls = false;
        bool? accessLogs = null, metrics = null, tracing = null;
        var domains = new SortedDictionary<int, (string? Main, ImmutableArray<string> Sans)>();
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var field = Field(key);
            var name = key[Prefix.Length..];
            if (name.StartsWith(ServicePrefix, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add((Problem.Warning(DiagnosticCodes.IngressAnnotationIgnored, "ServiceAnnotationOnIngress",
                    $"{key} is read from the Service, not the Ingress (as in Traefik); it is ignored here"), field));
                continue;
            }

            if (!name.StartsWith(RouterPrefix, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add((Problem.Warning(DiagnosticCodes.IngressAnnotationIgnored, "UnknownAnnotation",
                    $"{key} is not a Traefik router annotation (router.*) nor a service one; it is ignored"), field));
                continue;
            }

            var sub = name[RouterPrefix.Length..].ToLowerInvariant();
            var text = value ?? "";
            switch (sub)
            {
                case "pathmatcher": pathMatcher = text; break;
                case "rulesyntax": ruleSyntax = text; break;
                case "entrypoints": entryPoints = List(text); break;
                case "middlewares": middlewares = List(text); break;
                case "priority":
                    if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
                    {
                        problems.Add((Invalid(key, text, "an integer"), field));
                    }

                    break;
                case "tls":
                    tls |= Bool(key, text, field, problems) ?? false;
                    break;
                case "tls.certresolver": certResolver = text; tls = true; break;
                case "tls.options": tlsOptions = text; tls = true; break;
                case "observability.accesslogs": accessLogs = Bool(key, text, field, problems); break;
                case "observability.metrics": metrics = Bool(key, text, field, problems); break;
                case "observability.tracing": tracing = Bool(key, text, field, problems); break;
                case "observability.traceverbosity": traceVerbosity = text; break;
                default:
                    if (!Domain(sub, text, domains))
                    {
                        problems.Add((Problem.Error(DiagnosticCodes.IngressAnnotationInvalid, "UnknownAnnotation",
                            $"{key} is not an annotation Traefik knows (router.entrypoints, router.middlewares, router.priority, router.pathmatcher, router.rulesyntax, router.tls, router.tls.certresolver, router.tls.options, router.tls.domains.N.main|sans, router.observability.*)"), field));
                    }
                    else
                    {
                        tls = true;
                    }

                    break;
            }
        }

        var tlsSettings = tls
            ? new IngressTlsAnnotations(Blank(certResolver), Blank(tlsOptions),
                [.. domains.Values.Select(d => new TlsDomain(d.Main ?? "", d.Sans))])
            : null;
        var observability = accessLogs is null && metrics is null && tracing is null && traceVerbosity is null
            ? null
            : new ObservabilitySwitches(accessLogs, metrics, tracing, Blank(traceVerbosity));
        return new IngressRouterAnnotations(Blank(pathMatcher), entryPoints, middlewares, priority, Blank(ruleSyntax), tlsSettings, observability);
    }

    /// <summary>Go's strconv.ParseBool, which Traefik's label decoder uses; null (with a problem) when it is none of its forms.</summary>
    public static bool? Bool(string key, string text, string field, List<(Problem Problem, string Field)> problems)
    {
        switch (text.Trim())
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                return false;
            default:
                problems.Add((Invalid(key, text, "a boolean (true or false)"), field));
                return null;
        }
    }

    public static Problem Invalid(string key, string text, string expected) =>
        Problem.Error(DiagnosticCodes.IngressAnnotationInvalid, "InvalidAnnotation", $"{key}: '{text}' is not {expected}");

    /// <summary>A comma-separated list, entries trimmed, empty ones dropped.</summary>
    public static ImmutableArray<string> List(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary><c>tls.domains.N.main</c> / <c>tls.domains.N.sans</c> (Traefik rewrites <c>.N.</c> to an index).</summary>
    private static bool Domain(string sub, string text, SortedDictionary<int, (string? Main, ImmutableArray<string> Sans)> domains)
    {
        const string head = "tls.domains.";
        if (!sub.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = sub[head.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        var current = domains.GetValueOrDefault(index, (null, []));
        switch (rest[(dot + 1)..])
        {
            case "main":
                domains[index] = (text.Trim(), current.Sans);
                return true;
            case "sans":
                domains[index] = (current.Main, List(text));
                return true;
            default:
                return false;
        }
    }
}
