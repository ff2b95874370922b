using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 5b: the static config's entry-point HTTP options, as Traefik applies them. http.redirections becomes a
/// catch-all router per entry point with a redirectScheme middleware and the noop service
/// (pkg/provider/traefik/internal.go, redirection); http.middlewares and http.tls form the entry point's model,
/// applied to every router on it (pkg/server/aggregator.go, applyModel): the model's middlewares run first, its TLS
/// is the router's when it has none, its observability fills the switches the router leaves unset, and a router on several entry points is split, the copy for an entry point
/// with a model named <c>&lt;entry point&gt;-&lt;router&gt;</c>.
/// </summary>
internal sealed class EntryPointModelProcessor(CompileContext context, TlsProcessor tls, MiddlewareProcessor middlewares, ServiceRegistry registry)
{
    /// <summary>Traefik's catch-all rule of the redirect router (any request with a host).</summary>
    public const string RedirectRule = "HostRegexp(`^.+$`)";

    private readonly Dictionary<string, Resolved> _resolved = new(StringComparer.Ordinal);

    /// <summary>The source shown for a router the static config made (it has no manifest).</summary>
    public static ResourceRef SourceOf(string entryPoint) => new("EntryPoint", "", entryPoint);

    /// <summary>The routers with the redirect routers added and the models applied, in the order the data plane tries them.</summary>
    public ImmutableArray<Router> Apply(ImmutableArray<Router> routers)
    {
        var all = new List<Router>(routers.Length);
        all.AddRange(RedirectRouters());
        all.AddRange(routers);
        if (!context.Options.EntryPointModels.Values.Any(m => m.HasRouterDefaults))
        {
            all.Sort(RouterOrder.Compare);
            return [.. all];
        }

        var result = new List<Router>(all.Count);
        foreach (var router in all)
        {
            var plain = router.EntryPoints.Where(e => !HasModel(e)).ToImmutableArray();
            foreach (var entryPoint in router.EntryPoints.Where(HasModel))
            {
                if (WithModel(router, entryPoint) is { } copy)
                {
                    result.Add(copy);
                }
            }

            if (!plain.IsEmpty)
            {
                result.Add(plain.Length == router.EntryPoints.Length ? router : router with { EntryPoints = plain });
            }
        }

        result.Sort(RouterOrder.Compare);
        return [.. result];
    }

    private bool HasModel(string entryPoint) =>
        context.Options.EntryPointModels.TryGetValue(entryPoint, out var model) && model.HasRouterDefaults;

    private IEnumerable<Router> RedirectRouters()
    {
        foreach (var (entryPoint, model) in context.Options.EntryPointModels)
        {
            if (model.Redirection is not { } redirect)
            {
                continue;
            }

            var name = Naming.Normalize(entryPoint + "-to-" + redirect.To);
            var middleware = "redirect-" + name + "@" + ProviderReference.Internal;
            middlewares.AddInternal(middleware, new RedirectSchemeConfig(redirect.Scheme, redirect.Port, redirect.Permanent));
            var service = registry.Add("noop@internal", "Internal\nnoop", new ErrorService(418, "noop@internal"));
            var parsed = RuleParser.Parse(RedirectRule, null);
            yield return new Router(name + "@" + ProviderReference.Internal, [entryPoint], RedirectRule,
                (int)Math.Clamp(redirect.Priority, int.MinValue, int.MaxValue), [middleware], service, null, SourceOf(entryPoint), 0)
            {
                Matcher = RuleMatcherCompiler.Compile(parsed.Expression!),
                Expression = parsed.Expression,
            };
        }
    }

    /// <summary>The router's copy for one entry point with a model; null (reported on the route) when the model is broken.</summary>
    private Router? WithModel(Router router, string entryPoint)
    {
        var model = Resolve(entryPoint);
        if (model.Problem is { } problem)
        {
            if (router.Source.Kind != "EntryPoint")
            {
                context.Error(DiagnosticCodes.EntryPointDefaultsInvalid, "EntryPointDefaultsInvalid", router.Source, $"spec.routes[{router.RouteIndex}]",
                    $"entry point {entryPoint}: {problem}; this route is not served on {entryPoint}");
            }

            return null;
        }

        return router with
        {
            Name = router.EntryPoints.Length > 1 ? entryPoint + "-" + router.Name : router.Name,
            EntryPoints = [entryPoint],
            Middlewares = [.. model.Middlewares, .. router.Middlewares],
            Tls = router.Tls ?? model.Tls,
            Observability = Observability(router.Observability, context.Options.EntryPointModels[entryPoint].Observability),
        };
    }

    /// <summary>Each switch the router leaves unset comes from the entry point's observability section (applyModel).</summary>
    private static ObservabilitySwitches? Observability(ObservabilitySwitches? own, ObservabilitySwitches? entryPoint) =>
        entryPoint is null ? own
        : own is null ? entryPoint
        : new ObservabilitySwitches(own.AccessLogs ?? entryPoint.AccessLogs, own.Metrics ?? entryPoint.Metrics, own.Tracing ?? entryPoint.Tracing,
            string.IsNullOrEmpty(own.TraceVerbosity) ? entryPoint.TraceVerbosity : own.TraceVerbosity);

    /// <summary>An entry point's model, resolved (and, when broken, reported once against the static config).</summary>
    private Resolved Resolve(string entryPoint)
    {
        if (_resolved.TryGetValue(entryPoint, out var done))
        {
            return done;
        }

        var model = context.Options.EntryPointModels[entryPoint];
        var problems = new List<string>();
        var ids = new List<string>();
        for (var i = 0; i < model.Middlewares.Length; i++)
        {
            if (middlewares.ResolveForEntryPoint(model.Middlewares[i], ids) is { } problem)
            {
                problems.Add($"http.middlewares[{i}]: {problem}");
            }
        }

        RouterTls? routerTls = null;
        if (model.Tls is { } t)
        {
            string? options = null;
            if (!string.IsNullOrEmpty(t.Options))
            {
                options = tls.FindOptions(t.Options, out var problem);
                if (problem is not null)
                {
                    problems.Add($"http.tls.options: {problem}");
                }
            }

            routerTls = new RouterTls(options, string.IsNullOrEmpty(t.CertResolver) ? null : t.CertResolver, t.Domains.IsDefault ? [] : t.Domains, null, null);
        }

        var message = problems.Count == 0 ? null : string.Join("; ", problems);
        if (message is not null)
        {
            context.Report(Severity.Error, DiagnosticCodes.EntryPointDefaultsInvalid, "EntryPointDefaultsInvalid", null,
                $"entryPoints.{entryPoint}.http", $"entry point {entryPoint}: {message}; its routes are not served on it");
        }

        return _resolved[entryPoint] = new Resolved([.. ids], routerTls, message);
    }

    private sealed record Resolved(ImmutableArray<string> Middlewares, RouterTls? Tls, string? Problem);
}
