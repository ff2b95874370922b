using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Compiler.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 4: every Middleware is checked and mapped once (reported on itself); chains are flattened with
/// cycle detection. Routes then resolve their references through <see cref="ResolveForRoute"/>: a missing,
/// cross-namespace or broken middleware is an error on that route only (Traefik drops such a router silently).
/// </summary>
internal sealed class MiddlewareProcessor
{
    private readonly CompileContext _context;
    private readonly Dictionary<string, MiddlewareConfig> _configs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, Chain> _chains = [];
    private readonly Dictionary<ObjectKey, ImmutableArray<string>?> _flattened = [];
    private readonly List<ObjectKey> _visiting = [];

    public MiddlewareProcessor(CompileContext context, ServiceResolver services, ServersTransportProcessor transports)
    {
        _context = context;
        var mapping = new MiddlewareMapping(context, services, transports);
        foreach (var middleware in CompileContext.Sorted(context.Middlewares))
        {
            var owner = CompileContext.RefOf(middleware);
            var key = CompileContext.KeyOf(middleware.Metadata);
            var id = Naming.ObjectId(owner.Namespace, owner.Name);
            var kinds = MiddlewareCatalogue.KindsOf(middleware.Spec);
            if (kinds.Count != 1)
            {
                context.Error(kinds.Count == 0 ? DiagnosticCodes.MiddlewareNoType : DiagnosticCodes.MiddlewareMultipleTypes,
                    kinds.Count == 0 ? "MiddlewareNoType" : "MiddlewareMultipleTypes", owner, "spec",
                    kinds.Count == 0 ? "a Middleware needs exactly one type (rateLimit, headers, ...)" : $"a Middleware has exactly one type; this one has {string.Join(", ", kinds.Select(k => k.Name))}");
                _invalid.Add(id);
                continue;
            }

            var kind = kinds[0];
            switch (kind.Role)
            {
                case MiddlewareRole.Chain:
                    _chains[key] = middleware.Spec.Chain!;
                    continue;
                case MiddlewareRole.Unsupported:
                    var name = middleware.Spec.Plugin is { Count: > 0 } plugins && kind.Name == "plugin"
                        ? "plugin:" + string.Join(",", plugins.Keys.Order(StringComparer.Ordinal))
                        : kind.Name;
                    context.Warning(DiagnosticCodes.MiddlewareUnsupported, "MiddlewareUnsupported", owner, "spec." + kind.Name,
                        $"middleware type {name} is not supported by Switchyard's data plane; routes using it answer with an error");
                    _configs[id] = new UnsupportedMiddlewareConfig(name);
                    continue;
            }

            if (kind.DeprecatedFor is { } current)
            {
                context.Warning(DiagnosticCodes.MiddlewareDeprecated, "DeprecatedMiddleware", owner, "spec." + kind.Name,
                    $"{kind.Name} is deprecated; use {current} (same fields)");
            }

            mapping.Start(owner, kind.Name);
            var config = kind.Map!(mapping, middleware.Spec);
            if (mapping.Ok)
            {
                _configs[id] = config;
            }
            else
            {
                _invalid.Add(id);
            }
        }

        foreach (var chain in _chains.Keys.Order(Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)).ToList())
        {
            Flatten(chain);
        }
    }

    /// <summary>Every usable middleware (chains excluded: they are flattened into routers).</summary>
    public ImmutableSortedDictionary<string, MiddlewareConfig> Table => _configs.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>Services that middlewares point to (errors.service); they belong in the table.</summary>
    public IEnumerable<string> ServiceRoots => _configs.Values.OfType<ErrorsConfig>().Select(e => e.Service);

    /// <summary>
    /// Appends the middleware ids a route reference stands for (one id, or a flattened chain) to
    /// <paramref name="ids"/>. Reports on the route and returns false when the route cannot be served.
    /// </summary>
    /// <param name="crossProvider">
    /// The reference comes from another provider (an Ingress annotation): Traefik resolves a <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c>
    /// id there whatever the kubernetesCRD provider's allowCrossNamespace says.
    /// </param>
    public bool ResolveForRoute(MiddlewareRef reference, ResourceRef route, string field, List<string> ids, bool crossProvider = false)
    {
        var key = Reference(reference, route.Namespace, out var problem, crossProvider);
        if (key is null)
        {
            _context.Error(problem!.Code, problem.Reason, route, field, problem.Message);
            return false;
        }

        var k = key.Value;
        if (!_context.Middlewares.ContainsKey(k))
        {
            _context.Error(DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound", route, field,
                $"Middleware {k} not found; this route is not served (the other routes are)");
            return false;
        }

        var expanded = Expand(k);
        if (expanded is null)
        {
            _context.Error(DiagnosticCodes.RouteMiddlewareInvalid, "MiddlewareInvalid", route, field,
                $"Middleware {k} has errors (see its diagnostics); this route is not served");
            return false;
        }

        foreach (var id in expanded.Value)
        {
            if (_configs[id] is UnsupportedMiddlewareConfig unsupported)
            {
                _context.Warning(DiagnosticCodes.RouteMiddlewareUnsupported, "MiddlewareUnsupported", route, field,
                    $"Middleware {id} ({unsupported.TypeName}) is not supported; calls on this route get an error answer");
            }
        }

        ids.AddRange(expanded.Value);
        return true;
    }

    /// <summary>A middleware of the static config's making (the redirect of http.redirections), under an @internal id.</summary>
    public void AddInternal(string id, MiddlewareConfig config) => _configs[id] = config;

    /// <summary>
    /// An entry point's http.middlewares reference, resolved as Traefik qualifies a model's names for a router of this
    /// provider: <c>&lt;namespace&gt;-&lt;name&gt;</c> or <c>&lt;namespace&gt;-&lt;name&gt;@kubernetescrd</c>, in any namespace (the
    /// static config is the operator's, not a namespace's). Appends the ids (a chain flattened); null when usable,
    /// else why not.
    /// </summary>
    public string? ResolveForEntryPoint(string reference, List<string> ids)
    {
        var id = reference;
        if (ProviderReference.TrySplit(reference, out var plain, out var provider))
        {
            if (provider != ProviderReference.KubernetesCrd)
            {
                return $"middleware '{reference}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd)";
            }

            id = plain;
        }

        if (ProviderReference.FindById(_context.Middlewares.Keys, id) is not { } key)
        {
            return $"middleware '{reference}': no Middleware has the id '{id}' (<namespace>-<name>)";
        }

        if (Expand(key) is not { } expanded)
        {
            return $"middleware '{reference}' (Middleware {key}) has errors (see its diagnostics)";
        }

        ids.AddRange(expanded);
        return null;
    }

    /// <summary>The leaf middleware ids of <paramref name="key"/>: itself, or its chain flattened; null when broken.</summary>
    private ImmutableArray<string>? Expand(ObjectKey key)
    {
        var id = Naming.ObjectId(key.Namespace, key.Name);
        if (_configs.ContainsKey(id))
        {
            return [id];
        }

        return _chains.ContainsKey(key) ? Flatten(key) : null;
    }

    private ImmutableArray<string>? Flatten(ObjectKey key)
    {
        if (_flattened.TryGetValue(key, out var done))
        {
            return done;
        }

        var middleware = _context.Middlewares[key];
        var owner = CompileContext.RefOf(middleware);
        _visiting.Add(key);
        var ids = new List<string>();
        var ok = true;
        var members = _chains[key].Middlewares ?? [];
        for (var i = 0; i < members.Count; i++)
        {
            var field = $"spec.chain.middlewares[{i}]";
            var member = Reference(members[i], key.Namespace, out var problem);
            if (member is null)
            {
                _context.Error(problem!.Code, problem.Reason, owner, field, problem.Message);
                ok = false;
                continue;
            }

            var m = member.Value;
            if (!_context.Middlewares.ContainsKey(m))
            {
                _context.Error(DiagnosticCodes.MiddlewareChainRefNotFound, "MiddlewareNotFound", owner, field, $"Middleware {m} not found");
                ok = false;
                continue;
            }

            var cycleStart = _visiting.IndexOf(m);
            if (cycleStart >= 0)
            {
                _context.Error(DiagnosticCodes.MiddlewareChainCycle, "MiddlewareChainCycle", owner, field,
                    $"chain cycle: {string.Join(" → ", _visiting.Skip(cycleStart).Append(m))}");
                ok = false;
                continue;
            }

            var expanded = Expand(m);
            if (expanded is null)
            {
                _context.Error(DiagnosticCodes.RouteMiddlewareInvalid, "MiddlewareInvalid", owner, field, $"Middleware {m} has errors (see its diagnostics)");
                ok = false;
                continue;
            }

            ids.AddRange(expanded.Value);
        }

        _visiting.RemoveAt(_visiting.Count - 1);
        ImmutableArray<string>? result = ok ? [.. ids] : null;
        _flattened[key] = result;
        return result;
    }

    /// <summary>
    /// Namespace/name of a reference; null with a problem when it names another provider or namespace. As in
    /// Traefik v3.7 (resolveReference, pkg/provider/kubernetes/crd/kubernetes.go): <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c>
    /// is the full id of a Middleware, allowed only with allowCrossNamespace (its namespace field is ignored);
    /// another provider's reference (<c>x@file</c>) is refused naming that provider.
    /// </summary>
    private ObjectKey? Reference(MiddlewareRef reference, string parentNs, out Problem? problem, bool crossProvider = false)
    {
        problem = null;
        var name = reference.Name;
        var at = name.LastIndexOf('@');
        if (at >= 0)
        {
            var provider = name[(at + 1)..];
            if (provider != "kubernetescrd")
            {
                problem = Problem.Error(DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound",
                    $"Middleware '{name}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd)");
                return null;
            }

            if (!crossProvider && !_context.Options.AllowCrossNamespace)
            {
                problem = Problem.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed",
                    $"Middleware '{name}': @kubernetescrd references are refused while allowCrossNamespace is off (as in Traefik)");
                return null;
            }

            // The full id <namespace>-<name>: the Middleware whose id it is, in whatever namespace.
            var id = name[..at];
            if (ProviderReference.FindById(_context.Middlewares.Keys, id) is { } found)
            {
                return found;
            }

            problem = Problem.Error(DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound",
                $"Middleware '{name}': no Middleware has the id '{id}' (<namespace>-<name>)");
            return null;
        }

        var ns = string.IsNullOrEmpty(reference.Namespace) ? parentNs : reference.Namespace;
        if (ns != parentNs && !_context.Options.AllowCrossNamespace)
        {
            problem = Problem.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed",
                $"Middleware {ns}/{name} is in another namespace and allowCrossNamespace is off");
            return null;
        }

        return new ObjectKey(ns, name);
    }
}
