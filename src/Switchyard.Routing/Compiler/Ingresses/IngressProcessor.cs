using System.Collections.Immutable;
using System.Text;
using k8s.Models;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Ingresses;

/// <summary>
/// The Kubernetes Ingress translation stage (Traefik's kubernetesIngress provider, loadConfigurationFromIngresses in
/// pkg/provider/kubernetes/ingress/kubernetes.go): every path of every processed Ingress becomes a router onto the
/// same services, middlewares and TLS material as IngressRoutes. Errors stay where Traefik keeps them: a bad router
/// annotation or TLS/middleware reference costs the Ingress, a bad backend costs its path.
/// </summary>
internal sealed class IngressProcessor(CompileContext context, TlsProcessor tls, KubernetesServiceBuilder services, MiddlewareProcessor middlewares)
{
    /// <summary>Traefik's names for the one default backend of the provider.</summary>
    public const string DefaultRouterName = "default-router";

    private readonly List<Router> _routers = [];
    private ResourceRef? _defaultBackendOwner;

    public ImmutableArray<Router> Process()
    {
        foreach (var ingress in IngressClassFilter.Select(context.Snapshot, context.Options.Ingress))
        {
            ProcessIngress(ingress);
        }

        return [.. _routers];
    }

    private void ProcessIngress(V1Ingress ingress)
    {
        var owner = ResourceRefs.Of(ingress);
        var ns = owner.Namespace;
        var annotationProblems = new List<(Problem Problem, string Field)>();
        var settings = IngressAnnotations.ParseRouter(ingress.Metadata?.Annotations, annotationProblems);
        var ok = true;
        foreach (var (problem, field) in annotationProblems)
        {
            context.Report(problem.Severity, problem.Code, problem.Reason, owner, field, problem.Message + (problem.Severity == Severity.Error ? "; the Ingress is not served" : ""));
            ok &= problem.Severity != Severity.Error;
        }

        if (!ok)
        {
            return;
        }

        // spec.tls[] only loads certificates into the default store (served by SNI); TLS on the routers is router.tls.
        var spec = ingress.Spec ?? new V1IngressSpec();
        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            if (spec.Tls![i].SecretName is { Length: > 0 } secretName && tls.AddToDefaultStore(ns, secretName, out var problem) is null)
            {
                context.Warning(problem!.Code, problem.Reason, owner, $"spec.tls[{i}].secretName",
                    problem.Message + "; the Ingress's routers are served without it (Traefik's behaviour)");
            }
        }

        var entryPoints = EntryPoints(settings.EntryPoints, owner);
        var routerTls = RouterTls(settings.Tls, owner, ref ok);
        var ids = new List<string>();
        for (var m = 0; m < settings.Middlewares.Length; m++)
        {
            ok &= Middleware(settings.Middlewares[m], owner, ids);
        }

        var syntax = settings.RuleSyntax;
        if (syntax is not (null or "v3" or "v2" or "default"))
        {
            context.Error(DiagnosticCodes.IngressAnnotationInvalid, "InvalidRuleSyntax", owner, IngressAnnotations.Field(IngressAnnotations.Prefix + "router.rulesyntax"),
                $"router.rulesyntax '{syntax}' is not v2 or v3; the Ingress is not served");
            ok = false;
        }

        else if (syntax == "v2")
        {
            context.Warning(DiagnosticCodes.RuleSyntax, "DeprecatedSyntax", owner, IngressAnnotations.Field(IngressAnnotations.Prefix + "router.rulesyntax"),
                "rule syntax v2 is deprecated; drop router.rulesyntax to get v3 rules");
        }

        if (!ok)
        {
            return;
        }

        var shared = new RouterShared(owner, entryPoints, [.. ids], routerTls, settings, syntax == "v2");
        if (spec.DefaultBackend is { } defaultBackend)
        {
            if (spec.Rules is { Count: > 0 })
            {
                context.Warning(DiagnosticCodes.IngressBackendInvalid, "DefaultBackendIgnored", owner, "spec.defaultBackend",
                    "Traefik uses spec.defaultBackend only on an Ingress without rules; it is ignored here");
            }
            else
            {
                DefaultBackend(defaultBackend, shared);
            }
        }

        var byKey = new SortedDictionary<string, List<Router>>(StringComparer.Ordinal);
        for (var r = 0; r < (spec.Rules?.Count ?? 0); r++)
        {
            var rule = spec.Rules![r];
            for (var p = 0; p < (rule.Http?.Paths?.Count ?? 0); p++)
            {
                var path = rule.Http!.Paths[p];
                if (Path(rule.Host, path, $"spec.rules[{r}].http.paths[{p}]", shared, r) is { } router)
                {
                    // Traefik's router key: namespace-name-host+path, normalised, without a leading '-'.
                    var key = Naming.Normalize($"{ns}-{owner.Name}-{rule.Host}{path.Path}").TrimStart('-');
                    (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add(router);
                }
            }
        }

        AddNamed(byKey, owner);
    }

    /// <summary>Paths whose key is shared get the key plus 10 bytes of sha256(rule) (makeRouterKeyWithHash).</summary>
    private void AddNamed(SortedDictionary<string, List<Router>> byKey, ResourceRef owner)
    {
        foreach (var (key, list) in byKey)
        {
            if (list.Count == 1)
            {
                _routers.Add(list[0] with { Name = key });
                continue;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var router in list)
            {
                var name = $"{key}-{Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(router.Rule))[..10])}";
                if (names.Add(name))
                {
                    _routers.Add(router with { Name = name });
                }
                else
                {
                    context.Error(DiagnosticCodes.DuplicateRouter, "DuplicateRouter", owner, $"spec.rules[{router.RouteIndex}]",
                        $"two paths compile to the same rule `{router.Rule}`; only the first is served");
                }
            }
        }
    }

    private sealed record RouterShared(ResourceRef Owner, ImmutableArray<string> EntryPoints, ImmutableArray<string> Middlewares,
        RouterTls? Tls, IngressRouterAnnotations Settings, bool V2);

    private Router? Path(string? host, V1HTTPIngressPath path, string field, RouterShared shared, int ruleIndex)
    {
        var service = Backend(path.Backend, shared.Owner, field + ".backend");
        var rule = IngressRules.Build(host, path.Path, path.PathType, shared.Settings.PathMatcher, shared.V2, context.Options.Ingress.StrictPrefixMatching, out var problem);
        if (rule is null)
        {
            context.Error(problem!.Code, problem.Reason, shared.Owner, field + (problem.Reason == "InvalidPathType" ? ".pathType" : ""), problem.Message);
            return null;
        }

        return service is null ? null : Router("", rule, shared, service, ruleIndex, field);
    }

    private void DefaultBackend(V1IngressBackend backend, RouterShared shared)
    {
        const string field = "spec.defaultBackend";
        if (_defaultBackendOwner is { } first)
        {
            context.Error(DiagnosticCodes.IngressBackendInvalid, "DefaultBackendExists", shared.Owner, field,
                $"the default backend already exists (from Ingress {first.Namespace}/{first.Name}); Traefik keeps only one");
            return;
        }

        if (Backend(backend, shared.Owner, field) is not { } service)
        {
            return;
        }

        // Traefik's default router: PathPrefix("/") at the lowest priority, so every other router goes first.
        if (Router(DefaultRouterName, "PathPrefix(\"/\")", shared with { Settings = shared.Settings with { Priority = int.MinValue } }, service, 0, field) is { } router)
        {
            _defaultBackendOwner = shared.Owner;
            _routers.Add(router);
        }
    }

    /// <summary>The service id of a path's backend (Traefik's loadService), or null after reporting.</summary>
    private string? Backend(V1IngressBackend? backend, ResourceRef owner, string field)
    {
        if (backend?.Resource is not null)
        {
            context.Error(DiagnosticCodes.IngressBackendInvalid, "ResourceBackendUnsupported", owner, field + ".resource",
                "resource backends are not supported (as in Traefik); use backend.service");
            return null;
        }

        if (backend?.Service is not { } svc || string.IsNullOrEmpty(svc.Name))
        {
            context.Error(DiagnosticCodes.IngressBackendInvalid, "MissingService", owner, field + ".service", "the backend names no service");
            return null;
        }

        IntOrString port = svc.Port?.Name is { Length: > 0 } portName
            ? portName
            : (svc.Port?.Number ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problems = new List<Problem>();
        var kubeService = context.Services.GetValueOrDefault(new ObjectKey(owner.Namespace, svc.Name));
        var spec = IngressServiceAnnotations.Spec(svc.Name, port, kubeService?.Metadata?.Annotations, problems);
        if (problems.Count == 0)
        {
            if (spec.ServersTransport is { } transport && !transport.Contains('@', StringComparison.Ordinal))
            {
                problems.Add(Problem.Error(DiagnosticCodes.ServersTransportNotFound, "ServersTransportNotFound",
                    $"Service annotation service.serverstransport '{transport}' names no provider: write <namespace>-<name>@kubernetescrd (a bare name means {transport}@kubernetes in Traefik, which has no transports)"));
            }
            else
            {
                var built = services.Build(spec, owner.Namespace);
                problems.AddRange(built.Problems);
                if (!problems.Any(p => p.Severity == Severity.Error))
                {
                    context.ReportAll(problems, owner, field + ".service");
                    return built.Id;
                }
            }
        }

        context.ReportAll(problems.Select(p => p.Message.StartsWith("Service annotation", StringComparison.Ordinal)
            ? p with { Message = $"Service {owner.Namespace}/{svc.Name}: {p.Message}; this path is not served" }
            : p), owner, field + ".service");
        return null;
    }

    private Router? Router(string name, string rule, RouterShared shared, string service, int index, string field)
    {
        var parsed = RuleParser.Parse(rule, shared.V2 ? "v2" : null);
        if (parsed.Error is { } syntax)
        {
            context.Error(DiagnosticCodes.RuleSyntax, "InvalidRule", shared.Owner, field,
                $"the rule `{rule}` built from this path is invalid: {syntax.Message}");
            return null;
        }

        var priority = shared.Settings.Priority;
        return new Router(name, shared.EntryPoints, rule,
            priority != 0 ? (int)Math.Clamp(priority, int.MinValue, int.MaxValue) : RulePriority.Of(rule),
            shared.Middlewares, service, shared.Tls, shared.Owner, index)
        {
            Matcher = RuleMatcherCompiler.Compile(parsed.Expression!),
            Expression = parsed.Expression,
            RuleSyntax = shared.V2 ? "v2" : null,
            Observability = shared.Settings.Observability,
        };
    }

    private ImmutableArray<string> EntryPoints(ImmutableArray<string> written, ResourceRef owner)
    {
        if (written.IsEmpty)
        {
            return context.Options.DefaultEntryPoints;
        }

        var known = context.Options.KnownEntryPoints;
        foreach (var name in written.Where(n => !known.IsEmpty && !known.Contains(n)))
        {
            context.Warning(DiagnosticCodes.UnknownEntryPoint, "UnknownEntryPoint", owner, IngressAnnotations.Field(IngressAnnotations.Prefix + "router.entrypoints"),
                $"entry point '{name}' is not defined in the static configuration (defined: {string.Join(", ", known)}); these routers get no traffic on it");
        }

        return [.. written.Distinct(StringComparer.Ordinal)];
    }

    private RouterTls? RouterTls(IngressTlsAnnotations? settings, ResourceRef owner, ref bool ok)
    {
        if (settings is null)
        {
            return null;
        }

        string? options = null;
        if (settings.Options is { } reference)
        {
            options = tls.ResolveCrossProviderOptions(reference, owner, IngressAnnotations.Field(IngressAnnotations.Prefix + "router.tls.options"));
            ok &= options is not null;
        }

        return new RouterTls(options, settings.CertResolver, settings.Domains, null, null);
    }

    /// <summary>
    /// A router.middlewares entry: <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c> names a Traefik Middleware in any namespace (Traefik
    /// checks only crossProviderNamespaces); a bare name would mean a middleware of the Ingress provider, which has none.
    /// </summary>
    private bool Middleware(string reference, ResourceRef owner, List<string> ids)
    {
        var field = IngressAnnotations.Field(IngressAnnotations.Prefix + "router.middlewares");
        if (!reference.Contains('@', StringComparison.Ordinal))
        {
            context.Error(DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound", owner, field,
                $"middleware '{reference}' names no provider: write <namespace>-<name>@kubernetescrd (a bare name means {reference}@kubernetes in Traefik, which has no middlewares); the Ingress is not served");
            return false;
        }

        return middlewares.ResolveForRoute(new MiddlewareRef { Name = reference }, owner, field, ids, crossProvider: true);
    }
}
