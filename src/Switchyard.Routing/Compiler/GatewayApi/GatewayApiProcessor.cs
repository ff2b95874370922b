using System.Collections.Immutable;
using System.Globalization;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;
using static Switchyard.Routing.Compiler.GatewayApi.GatewayConditions;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// The Gateway API stage (Traefik's kubernetesGateway provider, pkg/provider/kubernetes/gateway/kubernetes.go,
/// httproute.go, grpcroute.go): GatewayClasses of our controller → Gateways → listeners on entry points; each
/// HTTPRoute/GRPCRoute rule match becomes one router per attached listener, with Traefik's rule text and priority,
/// the rule's filters as middlewares and its backendRefs as a weighted service. Status per the spec comes out as a
/// <see cref="GatewayApiReport"/>; every problem is also a diagnostic on the object's field.
/// </summary>
internal sealed class GatewayApiProcessor
{
    private readonly CompileContext _context;
    private readonly GatewayListeners _listeners;
    private readonly GatewayBackends _backends;
    private readonly GatewayFilters _filters;
    private readonly BackendTlsPolicies _policies;
    private readonly List<Router> _routers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<RouteReport> _routes = [];

    public GatewayApiProcessor(CompileContext context, TlsProcessor tls, KubernetesServiceBuilder kubernetes, ServiceRegistry registry, MiddlewareProcessor middlewares,
        ServersTransportProcessor transports)
    {
        _context = context;
        var grants = new ReferenceGrants(context.Snapshot.ReferenceGrants);
        _listeners = new GatewayListeners(context, tls, grants);
        _policies = new BackendTlsPolicies(context, transports);
        _backends = new GatewayBackends(context, kubernetes, registry, grants, _policies);
        _filters = new GatewayFilters(context, middlewares);
    }

    public IReadOnlyList<Router> Routers => _routers;

    public IReadOnlyDictionary<string, MiddlewareConfig> Middlewares => _filters.Configs;

    public GatewayApiReport Process()
    {
        var snapshot = _context.Snapshot;
        if (snapshot.GatewayClasses.IsEmpty && snapshot.Gateways.IsEmpty && snapshot.HttpRoutes.IsEmpty && snapshot.GrpcRoutes.IsEmpty && snapshot.BackendTlsPolicies.IsEmpty)
        {
            return GatewayApiReport.Empty;
        }

        var controller = _context.Options.GatewayControllerName;
        var classes = snapshot.GatewayClasses
            .Where(c => c.Spec.ControllerName == controller)
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .Select(c => new GatewayClassReport(c.Metadata.Name ?? "", new GatewayClassStatus
            {
                Conditions = [True(Accepted, "Accepted", $"handled by Switchyard ({controller})", c.Metadata.Generation ?? 0)],
            }))
            .ToImmutableArray();
        var gateways = _listeners.Resolve(classes.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));

        foreach (var route in Sorted(snapshot.HttpRoutes))
        {
            var owner = CompileContext.RefOf(route);
            var rules = route.Spec.Rules ?? [];
            Attach(owner, route.Metadata.Generation ?? 0, route.Spec.ParentRefs, route.Spec.Hostnames, gateways, (listener, hostnames, gateway, problems) =>
            {
                var excluded = ListenerIsolation.Excluded(gateway, listener, hostnames);
                for (var ri = 0; ri < rules.Count; ri++)
                {
                    var rule = rules[ri];
                    var matches = rule.Matches is { Count: > 0 } m ? m : [new HttpRouteMatch()];
                    foreach (var match in matches)
                    {
                        var (text, priority) = GatewayRuleText.Http(hostnames, match, excluded);
                        AddRouter(owner, gateway, listener, ri, text, priority + rules.Count - ri, rule.Filters, match.Path, rule.BackendRefs, problems, rule.Timeouts);
                    }
                }
            }, problems => CheckRefs(owner, rules.Select(r => r.BackendRefs).ToList(), problems));
        }

        foreach (var route in Sorted(snapshot.GrpcRoutes))
        {
            var owner = CompileContext.RefOf(route);
            var rules = route.Spec.Rules ?? [];
            Attach(owner, route.Metadata.Generation ?? 0, route.Spec.ParentRefs, route.Spec.Hostnames, gateways, (listener, hostnames, gateway, problems) =>
            {
                var excluded = ListenerIsolation.Excluded(gateway, listener, hostnames);
                for (var ri = 0; ri < rules.Count; ri++)
                {
                    var rule = rules[ri];
                    var matches = rule.Matches is { Count: > 0 } m ? m : [new GrpcRouteMatch()];
                    foreach (var match in matches)
                    {
                        var (text, priority) = GatewayRuleText.Grpc(hostnames, match, excluded);
                        AddRouter(owner, gateway, listener, ri, text, priority, rule.Filters, null, rule.BackendRefs, problems);
                    }
                }
            }, problems => CheckRefs(owner, rules.Select(r => r.BackendRefs).ToList(), problems));
        }

        var gatewayReports = gateways.Select(g => new GatewayReport(g.Ref, GatewayListeners.Status(g))).ToImmutableArray();
        return new GatewayApiReport(classes, gatewayReports, [.. _routes]) { Policies = _policies.Reports(), ControllerName = controller };
    }

    private static IEnumerable<T> Sorted<T>(ImmutableArray<T> items) where T : ITraefikObject =>
        items.OrderBy(r => CompileContext.NamespaceOf(r.Metadata), StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal);

    /// <summary>
    /// The parentRefs of a route (Traefik's loadHTTPRoutes loop, matchListener, allowRoute, findMatchingHostnames): each
    /// one naming one of our Gateways gets a parents[] entry, Accepted when at least one listener takes the route.
    /// </summary>
    private void Attach(ResourceRef owner, long generation, IReadOnlyList<ParentReference>? parentRefs, IReadOnlyList<string>? routeHostnames,
        List<ResolvedGateway> gateways, Action<ResolvedListener, IReadOnlyList<string>, ResolvedGateway, List<BackendProblem>> build,
        Action<List<BackendProblem>> checkRefs)
    {
        var parents = new List<RouteParentStatus>();
        for (var pi = 0; pi < (parentRefs?.Count ?? 0); pi++)
        {
            var parentRef = parentRefs![pi];
            if ((parentRef.Group ?? GatewayApiKinds.Group) != GatewayApiKinds.Group || (parentRef.Kind ?? GatewayApiKinds.Gateway) != GatewayApiKinds.Gateway)
            {
                continue;
            }

            var ns = string.IsNullOrEmpty(parentRef.Namespace) ? owner.Namespace : parentRef.Namespace;
            var gateway = gateways.FirstOrDefault(g => g.Ref.Namespace == ns && g.Ref.Name == parentRef.Name);
            if (gateway is null)
            {
                continue; // not one of our Gateways: another controller reports on it.
            }

            var accepted = False(Accepted, "NoMatchingParent", "no listener matches the parentRef's sectionName/port", generation);
            var problems = new List<BackendProblem>();
            var (counted, served) = (false, false);
            foreach (var listener in gateway.Listeners)
            {
                if ((!string.IsNullOrEmpty(parentRef.SectionName) && parentRef.SectionName != listener.Spec.Name) ||
                    (parentRef.Port is { } port && port != listener.Spec.Port))
                {
                    continue;
                }

                if (!listener.Allows(owner.Kind, owner.Namespace))
                {
                    if (accepted.Status == "False")
                    {
                        accepted = False(Accepted, "NotAllowedByListeners", $"no listener allows {owner.Kind}s from namespace {owner.Namespace}", generation);
                    }

                    continue;
                }

                if (Hostnames(listener.Spec.Hostname, routeHostnames) is not { } hostnames)
                {
                    if (accepted.Status == "False")
                    {
                        accepted = False(Accepted, "NoMatchingListenerHostname", $"no hostname of the route matches listener {listener.Spec.Name}'s {listener.Spec.Hostname}", generation);
                    }

                    continue;
                }

                listener.AttachedRoutes++;
                counted = true;
                if (listener.Attached)
                {
                    build(listener, hostnames, gateway, problems);
                    served = true;
                    accepted = True(Accepted, "Accepted", "the route is attached", generation);
                }
            }

            if (counted && !served)
            {
                checkRefs(problems); // attached only to listeners that are not programmed: its references are still reported.
            }

            if (accepted.Status == "False")
            {
                _context.Error(DiagnosticCodes.GatewayRouteNotAccepted, accepted.Reason!, owner, $"spec.parentRefs[{pi}]",
                    $"not attached to Gateway {ns}/{parentRef.Name}: {accepted.Message}");
            }

            var resolved = problems.Count == 0
                ? True(ResolvedRefs, "ResolvedRefs", "all references resolved", generation)
                : False(ResolvedRefs, problems[0].Reason, problems[0].Message, generation);
            parents.Add(new RouteParentStatus
            {
                ParentRef = parentRef,
                ControllerName = _context.Options.GatewayControllerName,
                Conditions = [accepted, resolved],
            });
        }

        if (parents.Count > 0)
        {
            _routes.Add(new RouteReport(owner, new RouteStatus { Parents = parents }));
        }
    }

    /// <summary>The first unusable backendRef of the rules, for a route that is attached but not served.</summary>
    private void CheckRefs(ResourceRef owner, List<IReadOnlyList<RouteBackendRef>?> rules, List<BackendProblem> problems)
    {
        for (var ri = 0; ri < rules.Count; ri++)
        {
            if (_backends.Check(owner.Kind, owner, rules[ri], $"spec.rules[{ri}].backendRefs") is { } problem)
            {
                problems.Add(problem);
                return;
            }
        }
    }

    private void AddRouter(ResourceRef owner, ResolvedGateway gateway, ResolvedListener listener, int ruleIndex, string rule, int priority,
        IReadOnlyList<RouteFilter>? filters, HttpPathMatch? path, IReadOnlyList<RouteBackendRef>? backendRefs, List<BackendProblem> problems,
        HttpRouteTimeouts? timeouts = null)
    {
        var routeKey = Naming.Normalize(string.Create(CultureInfo.InvariantCulture,
            $"{owner.Kind.ToLowerInvariant()}-{owner.Namespace}-{owner.Name}-gw-{gateway.Ref.Namespace}-{gateway.Ref.Name}-ep-{listener.EntryPoint}-{ruleIndex}"));
        var name = Naming.RouterName("", routeKey, rule);
        if (!_names.Add(name))
        {
            return; // the same rule on the same entry point through another listener: one router serves both.
        }

        var field = $"spec.rules[{ruleIndex}]";
        var parsed = RuleParser.Parse(rule, null);
        if (parsed.Error is { } syntax)
        {
            _context.Error(DiagnosticCodes.RuleSyntax, "UnsupportedValue", owner, field + ".matches",
                $"the matches give an invalid rule: {syntax.Message} (`{rule}`); this rule is not served");
            problems.Add(new BackendProblem("UnsupportedValue", syntax.Message));
            return;
        }

        BackendProblem? problem = null;
        var ids = new List<string>();
        var mirrors = new List<RequestMirrorFilter>();
        var filtersOk = _filters.Resolve(owner, filters, path, listener.Spec.Port, name, field + ".filters", ids, mirrors, ref problem);
        filtersOk &= _filters.Timeouts(owner, timeouts, name, field + ".timeouts", ids, ref problem);
        string service;
        if (!filtersOk)
        {
            service = _backends.ErrorId;
            ids.Clear();
        }
        else
        {
            service = _backends.Rule(owner.Kind, owner, gateway.Ref, backendRefs, field + ".backendRefs", routeKey + "-wrr", ref problem,
                (IReadOnlyList<RouteFilter> backendFilters, string at, string id, out BackendProblem? p) => _filters.ForBackend(owner, backendFilters, at, id, out p));
            if (mirrors.Count > 0)
            {
                var targets = ImmutableArray.CreateBuilder<MirrorTarget>();
                for (var i = 0; i < mirrors.Count; i++)
                {
                    var target = mirrors[i].BackendRef;
                    if (_backends.Resolve(owner.Kind, owner, gateway.Ref, target.Group, target.Kind, target.Name, target.Namespace, target.Port,
                        field + ".filters.requestMirror.backendRef", out var mirrorProblem) is { } mirrorId)
                    {
                        targets.Add(new MirrorTarget(mirrorId, Math.Clamp(GatewayBackends.MirrorPercent(mirrors[i]), 0, 100)));
                    }
                    else
                    {
                        problem ??= mirrorProblem;
                    }
                }

                service = targets.Count > 0 ? _backends.Mirrored(service, targets.ToImmutable(), routeKey + "-mirror") : service;
            }
        }

        if (problem is not null)
        {
            problems.Add(problem);
        }

        _routers.Add(new Router(name, [listener.EntryPoint!], rule, priority, [.. ids], service,
            listener.IsHttps ? new RouterTls(null, null, [], null, null) : null, owner, ruleIndex)
        {
            Matcher = RuleMatcherCompiler.Compile(parsed.Expression!),
            Expression = parsed.Expression,
        });
    }

    /// <summary>
    /// Traefik's findMatchingHostnames: no listener hostname ⇒ the route's; no route hostnames ⇒ the listener's; else
    /// the intersections (a wildcard on either side takes the more specific name); null when none.
    /// </summary>
    internal static IReadOnlyList<string>? Hostnames(string? listener, IReadOnlyList<string>? route)
    {
        if (string.IsNullOrEmpty(listener))
        {
            return route ?? [];
        }

        if (route is not { Count: > 0 })
        {
            return [listener];
        }

        var matches = new List<string>();
        foreach (var host in route)
        {
            if (Intersect(listener, host) is { } a)
            {
                matches.Add(a);
            }
            else if (Intersect(host, listener) is { } b)
            {
                matches.Add(b);
            }
        }

        return matches.Count > 0 ? matches : null;
    }

    private static string? Intersect(string wildcard, string other)
    {
        if (string.Equals(wildcard, other, StringComparison.OrdinalIgnoreCase))
        {
            return wildcard;
        }

        return wildcard.StartsWith("*.", StringComparison.Ordinal) && other.EndsWith(wildcard[1..], StringComparison.OrdinalIgnoreCase) ? other : null;
    }
}
