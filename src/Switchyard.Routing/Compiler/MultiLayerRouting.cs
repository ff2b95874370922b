using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Traefik v3.6+ multi-layer routing (IngressRoute <c>parentRefs</c>; pkg/provider/kubernetes/crd/kubernetes_http.go
/// resolveParentRouterNames, pkg/server/router/router.go ParseRouterTree and buildChildRoutersMuxer). A child
/// route is reachable only through its parents: each (parent route, child route) pair becomes one router whose
/// rule is the parent's AND the child's, whose middlewares are the parent's then the child's, on the parent's
/// entry points with the parent's TLS, tried at the parent's priority (<see cref="RouterOrder"/>). The parent's
/// own router follows its children and answers 404 after its middlewares ran, as Traefik's child muxer does when
/// no child matches. Errors follow Traefik: a missing or cross-namespace parent drops the child IngressRoute; a
/// child with entryPoints or tls, a parent route with a service, a parent without any child are refused.
/// </summary>
internal sealed class MultiLayerRouting(CompileContext context, ServiceRegistry registry)
{
    private readonly Dictionary<ObjectKey, List<Router>> _parentRouters = [];
    private readonly Dictionary<string, int> _children = new(StringComparer.Ordinal);

    /// <summary>IngressRoutes some other IngressRoute names in its parentRefs (their routes may have no service).</summary>
    public HashSet<ObjectKey> Parents { get; } = [];

    public static bool IsChild(IngressRoute route) => route.Spec.ParentRefs is { Count: > 0 };

    public void FindParents(IEnumerable<IngressRoute> routes)
    {
        foreach (var route in routes.Where(IsChild))
        {
            var ns = CompileContext.NamespaceOf(route.Metadata);
            foreach (var parent in route.Spec.ParentRefs!)
            {
                Parents.Add(new ObjectKey(string.IsNullOrEmpty(parent.Namespace) ? ns : parent.Namespace, parent.Name));
            }
        }
    }

    /// <summary>A route of a parent IngressRoute: kept aside until its children are known. False: a plain router.</summary>
    public bool TakeParentRouter(IngressRoute ingressRoute, Router router, ResourceRef owner)
    {
        var key = CompileContext.KeyOf(ingressRoute.Metadata);
        if (!Parents.Contains(key))
        {
            return false;
        }

        if (router.Service.Length > 0)
        {
            context.Error(DiagnosticCodes.ParentRouteInvalid, "ParentHasService", owner, $"spec.routes[{router.RouteIndex}].services",
                $"router {router.Name} has a service and is named as a parent by other IngressRoutes (parentRefs): Traefik refuses both, so it is not served");
            return true;
        }

        if (!_parentRouters.TryGetValue(key, out var list))
        {
            _parentRouters[key] = list = [];
        }

        list.Add(router);
        return true;
    }

    /// <summary>The parent routers of a child IngressRoute, or null (reported) when a parent is missing or not allowed.</summary>
    public List<Router>? ResolveParents(IngressRoute child, ResourceRef owner, IReadOnlyDictionary<ObjectKey, IngressRoute> all)
    {
        var spec = child.Spec;
        var ok = true;
        if (spec.EntryPoints is { Count: > 0 })
        {
            context.Error(DiagnosticCodes.ParentRefInvalid, "ChildHasEntryPoints", owner, "spec.entryPoints",
                "an IngressRoute with parentRefs takes its parents' entry points: Traefik refuses entryPoints here, so it is not served");
            ok = false;
        }

        if (spec.Tls is not null)
        {
            context.Error(DiagnosticCodes.ParentRefInvalid, "ChildHasTls", owner, "spec.tls",
                "an IngressRoute with parentRefs takes its parents' TLS: Traefik refuses tls here, so it is not served");
            ok = false;
        }

        if (Parents.Contains(CompileContext.KeyOf(child.Metadata)))
        {
            context.Error(DiagnosticCodes.ParentRefInvalid, "NestedParentRefs", owner, "spec.parentRefs",
                "this IngressRoute is both a child (parentRefs) and a parent: more than one layer is not supported yet, so it is not served");
            ok = false;
        }

        var parents = new List<Router>();
        for (var i = 0; i < spec.ParentRefs!.Count; i++)
        {
            var reference = spec.ParentRefs[i];
            var ns = string.IsNullOrEmpty(reference.Namespace) ? owner.Namespace : reference.Namespace;
            var field = $"spec.parentRefs[{i}]";
            if (ns != owner.Namespace && !context.Options.AllowCrossNamespace)
            {
                context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field + ".namespace",
                    $"parent IngressRoute {ns}/{reference.Name} is in another namespace and allowCrossNamespace is off: this IngressRoute is not served");
                ok = false;
                continue;
            }

            var key = new ObjectKey(ns, reference.Name);
            if (!all.ContainsKey(key))
            {
                context.Error(DiagnosticCodes.ParentRefNotFound, "ParentNotFound", owner, field,
                    $"parent IngressRoute {ns}/{reference.Name} does not exist: this IngressRoute is not served");
                ok = false;
                continue;
            }

            parents.AddRange(_parentRouters.GetValueOrDefault(key) ?? []);
        }

        return ok ? parents : null;
    }

    /// <summary>One router per (parent router, child router): reachable only through the parent.</summary>
    public IEnumerable<Router> Combine(Router child, IReadOnlyList<Router> parents)
    {
        foreach (var parent in parents)
        {
            // Both trees came from the compiler: the combined rule is their conjunction, not a text to parse again.
            if (parent.Expression is null || child.Expression is null)
            {
                continue;
            }

            var expression = new RuleNode.And(parent.Expression, child.Expression);
            _children[parent.Name] = _children.GetValueOrDefault(parent.Name) + 1;
            var name = parents.Count == 1 ? child.Name : $"{child.Name}-{parent.Name}";

            // Traefik adds each child to its parent's child muxer with the child's own syntax
            // (pkg/server/router/router.go buildChildRoutersMuxer), so parent and child may differ. A v2 rule was
            // desugared into the v3 tree at parse; when the syntaxes differ the combined text is that tree printed in v3.
            var sameSyntax = string.Equals(parent.RuleSyntax ?? "v3", child.RuleSyntax ?? "v3", StringComparison.OrdinalIgnoreCase);
            yield return child with
            {
                Name = name,
                EntryPoints = parent.EntryPoints,
                Rule = sameSyntax ? $"({parent.Rule}) && ({child.Rule})" : expression.ToString(),
                RuleSyntax = sameSyntax ? child.RuleSyntax : "v3",
                Priority = parent.Priority,
                Middlewares = [.. parent.Middlewares, .. child.Middlewares],
                Tls = parent.Tls,
                Matcher = RuleMatcherCompiler.Compile(expression),
                Expression = expression,
                Parent = new RouterParent(parent.Name, parent.Source, child.Rule, child.Priority),
            };
        }
    }

    /// <summary>Each parent router with children, answering 404 after its middlewares when no child matches.</summary>
    public IEnumerable<Router> ParentRouters()
    {
        foreach (var (_, routers) in _parentRouters.OrderBy(p => p.Key, Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)))
        {
            foreach (var parent in routers)
            {
                if (_children.GetValueOrDefault(parent.Name) == 0)
                {
                    context.Error(DiagnosticCodes.NoServices, "NoServicesNoChildren", parent.Source, $"spec.routes[{parent.RouteIndex}].services",
                        $"router {parent.Name} has no service and no child route that could be served: it is not served");
                    continue;
                }

                var service = registry.Add(parent.Name + "-no-child", "NoChild\n" + parent.Name, new ErrorService(404, "no child route of this parent matches"));
                yield return parent with { Service = service };
            }
        }
    }
}
