using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 5: each route of each IngressRoute becomes a <see cref="Router"/>. Every check is per route: a bad
/// rule, a missing middleware or an unusable service drops that route with an error on its own field path,
/// and the other routes of the same IngressRoute still compile.
/// </summary>
internal sealed class RouterProcessor(CompileContext context, TlsProcessor tls, ServiceResolver services, MiddlewareProcessor middlewares)
{
    private readonly Dictionary<string, (ResourceRef Source, int Index)> _names = new(StringComparer.Ordinal);
    private readonly List<Router> _routers = [];

    private MultiLayerRouting _layers = null!;

    public ImmutableArray<Router> Process()
    {
        var ordered = context.Snapshot.IngressRoutes
            .OrderBy(r => CompileContext.NamespaceOf(r.Metadata), StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ThenBy(r => r.ApiVersion, StringComparer.Ordinal)
            .ToList();
        _layers = new MultiLayerRouting(context, services.Registry);
        _layers.FindParents(ordered);
        foreach (var route in ordered.Where(r => !MultiLayerRouting.IsChild(r)))
        {
            ProcessIngressRoute(route);
        }

        // Children (parentRefs) once every parent route is known; then the parents' own routers.
        var byKey = new Dictionary<ObjectKey, IngressRoute>();
        foreach (var route in ordered)
        {
            byKey.TryAdd(CompileContext.KeyOf(route.Metadata), route);
        }

        foreach (var child in ordered.Where(MultiLayerRouting.IsChild))
        {
            ProcessChild(child, byKey);
        }

        _routers.AddRange(_layers.ParentRouters());

        // The order the data plane tries routers in: priority, highest first; ties by name (RouterOrder).
        _routers.Sort(RouterOrder.Compare);
        return [.. _routers];
    }

    private void ProcessChild(IngressRoute child, IReadOnlyDictionary<ObjectKey, IngressRoute> all)
    {
        var owner = CompileContext.RefOf(child);
        if (_layers.ResolveParents(child, owner, all) is not { } parents)
        {
            return;
        }

        for (var i = 0; i < child.Spec.Routes.Count; i++)
        {
            if (CompileRoute(child, owner, child.Spec.Routes[i], i, [], null) is { } router)
            {
                _routers.AddRange(_layers.Combine(router, parents));
            }
        }
    }

    private void ProcessIngressRoute(IngressRoute ingressRoute)
    {
        var owner = CompileContext.RefOf(ingressRoute);
        var spec = ingressRoute.Spec;
        var entryPoints = EntryPoints(spec, owner);

        // TLS settings are shared by all routes of the IngressRoute: resolved (and reported) once.
        RouterTls? routerTls = null;
        if (spec.Tls is not null)
        {
            routerTls = tls.ResolveRouterTls(ingressRoute, owner);
            if (routerTls is null)
            {
                return;
            }
        }

        for (var i = 0; i < spec.Routes.Count; i++)
        {
            if (CompileRoute(ingressRoute, owner, spec.Routes[i], i, entryPoints, routerTls) is { } router
                && !_layers.TakeParentRouter(ingressRoute, router, owner))
            {
                _routers.Add(router);
            }
        }
    }

    private ImmutableArray<string> EntryPoints(IngressRouteSpec spec, ResourceRef owner) => context.ResolveEntryPoints(spec.EntryPoints, owner);

    private Router? CompileRoute(IngressRoute ingressRoute, ResourceRef owner, Route route, int index, ImmutableArray<string> entryPoints, RouterTls? routerTls)
    {
        var field = $"spec.routes[{index}]";
        if (route.Kind is { Length: > 0 } kind && kind != "Rule")
        {
            context.Error(DiagnosticCodes.UnsupportedRouteKind, "UnsupportedRouteKind", owner, field + ".kind",
                $"route kind '{kind}' is not supported (only Rule)");
            return null;
        }

        if (string.IsNullOrWhiteSpace(route.Match))
        {
            context.Error(DiagnosticCodes.EmptyMatch, "EmptyMatch", owner, field + ".match", "the route has an empty match rule");
            return null;
        }

        // Collect every error of the route before giving up on it: the user fixes them in one go.
        var ok = true;
        var parsed = RuleParser.Parse(route.Match, route.Syntax);
        IRuleMatcher? matcher = null;
        if (parsed.Error is { } syntax)
        {
            context.Error(DiagnosticCodes.RuleSyntax, "InvalidRule", owner, field + ".match",
                $"invalid rule: {syntax.Message} (column {syntax.Column} of `{route.Match}`)");
            ok = false;
        }
        else
        {
            matcher = RuleMatcherCompiler.Compile(parsed.Expression!);
        }

        if (route.Syntax == "v2")
        {
            context.Warning(DiagnosticCodes.RuleSyntax, "DeprecatedSyntax", owner, field + ".syntax", "rule syntax v2 is deprecated; write the rule in v3 syntax");
        }

        var ids = new List<string>();
        for (var m = 0; m < (route.Middlewares?.Count ?? 0); m++)
        {
            ok &= middlewares.ResolveForRoute(route.Middlewares![m], owner, $"{field}.middlewares[{m}]", ids);
        }

        ok &= CheckPriority(route.Priority, owner, field);
        var name = Naming.RouterName(owner.Namespace, owner.Name, route.Match);
        // A route of a parent IngressRoute may have no service: its children are its targets (Traefik v3.6+).
        var service = route.Services is not { Count: > 0 } && _layers.Parents.Contains(new ObjectKey(owner.Namespace, owner.Name))
            ? ""
            : Service(route, owner, field, name);
        ok &= service is not null;

        if (_names.TryGetValue(name, out var first))
        {
            context.Error(DiagnosticCodes.DuplicateRouter, "DuplicateRouter", owner, field + ".match",
                $"this route compiles to router {name}, like {first.Source} spec.routes[{first.Index}] (same match); give it a different match");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        _names[name] = (owner, index);
        var priority = route.Priority is { } p and not 0 ? (int)Math.Clamp(p, int.MinValue, int.MaxValue) : RulePriority.Of(route.Match);
        return new Router(name, entryPoints, route.Match, priority, [.. ids], service!, routerTls, owner, index) {
            Matcher = matcher!,
            Expression = parsed.Expression,
            RuleSyntax = string.IsNullOrEmpty(route.Syntax) ? null : route.Syntax,
            Observability = route.Observability is { } o ? new ObservabilitySwitches(o.AccessLogs, o.Metrics, o.Tracing, o.TraceVerbosity) : null,
        };
    }

    /// <summary>
    /// Traefik refuses a router whose priority exceeds math.MaxInt - 1000 (pkg/server/router/router.go,
    /// maxUserPriority: the range above is its internal routers'). Routers are ordered by a 32-bit priority here:
    /// a larger or smaller value is ordered as the nearest 32-bit one, with a warning.
    /// </summary>
    private bool CheckPriority(long? priority, ResourceRef owner, string field)
    {
        const long MaxUserPriority = long.MaxValue - 1000;
        switch (priority)
        {
            case > MaxUserPriority:
                context.Error(DiagnosticCodes.RoutePriorityOutOfRange, "PriorityOutOfRange", owner, field + ".priority",
                    $"priority {priority} exceeds the highest user-defined priority {MaxUserPriority} (Traefik's limit)");
                return false;
            case > int.MaxValue or < int.MinValue:
                context.Warning(DiagnosticCodes.RoutePriorityOutOfRange, "PriorityBounded", owner, field + ".priority",
                    $"priority {priority} is ordered as {Math.Clamp(priority.Value, int.MinValue, int.MaxValue)}, the nearest priority the gateway orders by");
                return true;
            default:
                return true;
        }
    }

    /// <summary>The root service of a route: the one service, or a weighted node named after the router (like Traefik).</summary>
    private string? Service(Route route, ResourceRef owner, string field, string routerName)
    {
        var list = route.Services ?? [];
        switch (list.Count)
        {
            case 0:
                context.Error(DiagnosticCodes.NoServices, "NoServices", owner, field + ".services", "the route has no services");
                return null;
            case 1:
                return services.Resolve(list[0], owner, field + ".services[0]");
            default:
                var children = services.Weighted(list, owner, field + ".services");
                return children is null
                    ? null
                    : services.Registry.Add(routerName, "Route\n" + routerName, new WeightedService(children.Value, null));
        }
    }
}
