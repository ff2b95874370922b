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
/// Service entries resolve theirs through <see cref="ResolveForService"/> (Traefik v3.7 service middlewares).
/// Mapping is on first use: an errors middleware's page service may itself carry service middlewares, which are
/// mapped while it is (a middleware reached again through its own page service is a cycle, refused).
/// </summary>
internal sealed class MiddlewareProcessor
{
    private readonly CompileContext _context;
    private readonly ServiceResolver _services;
    private readonly ServersTransportProcessor _transports;
    private readonly Dictionary<string, MiddlewareConfig> _configs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, Chain> _chains = [];
    private readonly Dictionary<ObjectKey, ImmutableArray<string>?> _flattened = [];
    private readonly List<ObjectKey> _visiting = [];
    private readonly Dictionary<ObjectKey, MiddlewareKind> _pending = [];
    private readonly HashSet<ObjectKey> _mapping = [];

    public MiddlewareProcessor(CompileContext context, ServiceResolver services, ServersTransportProcessor transports)
    {
        _context = context;
        _services = services;
        _transports = transports;
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

            _pending[key] = kind;
        }
    }

    /// <summary>
    /// Maps every Middleware not mapped yet and flattens every chain, in namespace/name order. Runs once the
    /// service resolver can resolve service middlewares through this processor (RoutingCompiler wires both first).
    /// </summary>
    public void MapAll()
    {
        foreach (var key in _pending.Keys.Order(Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)).ToList())
        {
            Map(key);
        }

        foreach (var chain in _chains.Keys.Order(Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)).ToList())
        {
            Flatten(chain);
        }
    }

    /// <summary>Maps the Middleware <paramref name="key"/> (a typed one, not a chain) if it is still pending.</summary>
    private void Map(ObjectKey key)
    {
        if (!_pending.Remove(key, out var kind))
        {
            return;
        }

        var middleware = _context.Middlewares[key];
        var owner = CompileContext.RefOf(middleware);
        var id = Naming.ObjectId(owner.Namespace, owner.Name);
        if (kind.DeprecatedFor is { } current)
        {
            _context.Warning(DiagnosticCodes.MiddlewareDeprecated, "DeprecatedMiddleware", owner, "spec." + kind.Name,
                $"{kind.Name} is deprecated; use {current} (same fields)");
        }

        // A mapping of its own: mapping this one may map others (errors.service → service middlewares).
        var mapping = new MiddlewareMapping(_context, _services, _transports);
        mapping.Start(owner, kind.Name);
        _mapping.Add(key);
        var config = kind.Map!(mapping, middleware.Spec);
        _mapping.Remove(key);
        if (mapping.Ok)
        {
            _configs[id] = config;
        }
        else
        {
            _invalid.Add(id);
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
        var problems = new List<Problem>();
        Resolve(reference, route.Namespace, ids, problems, "route", crossProvider);
        return _context.ReportAll(problems, route, field);
    }

    /// <summary>
    /// A service entry's <c>middlewares</c> (Traefik's makeMiddlewareKeys on the service's namespace, as in its
    /// buildServersLB): appends the ids in order; problems carry their field (<c>.middlewares[i]</c>) for whoever
    /// references the service. False when the service cannot be served.
    /// </summary>
    public bool ResolveForService(IReadOnlyList<MiddlewareRef> references, string serviceNamespace, List<string> ids, List<Problem> problems)
    {
        var ok = true;
        for (var i = 0; i < references.Count; i++)
        {
            var found = new List<Problem>();
            ok &= Resolve(references[i], serviceNamespace, ids, found, "service");
            problems.AddRange(found.Select(p => p with { SubField = $".middlewares[{i}]" }));
        }

        return ok;
    }

    /// <summary>The ids <paramref name="reference"/> stands for, appended to <paramref name="ids"/>; false with problems when unusable.</summary>
    /// <param name="user">"route" or "service": whose calls are not served, in the messages.</param>
    private bool Resolve(MiddlewareRef reference, string parentNs, List<string> ids, List<Problem> problems, string user, bool crossProvider = false)
    {
        if (Reference(reference, parentNs, out var problem, crossProvider) is not { } k)
        {
            problems.Add(problem!);
            return false;
        }

        if (!_context.Middlewares.ContainsKey(k))
        {
            problems.Add(Problem.Error(DiagnosticCodes.MiddlewareNotFound, "MiddlewareNotFound",
                user == "route"
                    ? $"Middleware {k} not found; this route is not served (the other routes are)"
                    : $"Middleware {k} not found; this service is not served (nor what uses it)"));
            return false;
        }

        if (_mapping.Contains(k))
        {
            problems.Add(Problem.Error(DiagnosticCodes.MiddlewareChainCycle, "MiddlewareCycle",
                $"Middleware {k} is reached again through its own errors service; this {user} is not served"));
            return false;
        }

        var expanded = Expand(k);
        if (expanded is null)
        {
            problems.Add(Problem.Error(DiagnosticCodes.RouteMiddlewareInvalid, "MiddlewareInvalid",
                $"Middleware {k} has errors (see its diagnostics); this {user} is not served"));
            return false;
        }

        foreach (var id in expanded.Value)
        {
            if (_configs[id] is UnsupportedMiddlewareConfig unsupported)
            {
                problems.Add(Problem.Warning(DiagnosticCodes.RouteMiddlewareUnsupported, "MiddlewareUnsupported",
                    $"Middleware {id} ({unsupported.TypeName}) is not supported; calls on this {user} get an error answer"));
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
        Map(key);
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
            if (Reference(members[i], key.Namespace, out var problem) is not { } m)
            {
                _context.Error(problem!.Code, problem.Reason, owner, field, problem.Message);
                ok = false;
                continue;
            }

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
