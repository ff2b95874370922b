using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 3: service entries → service tree ids. Kubernetes Services go to <see cref="KubernetesServiceBuilder"/>;
/// TraefikServices (weighted, mirroring, failover) are built once each, depth first, with cycle detection.
/// A broken TraefikService is reported on itself; whoever references it gets one error naming it.
/// </summary>
internal sealed class ServiceResolver
{
    private readonly CompileContext _context;
    private readonly KubernetesServiceBuilder _kubernetes;
    private readonly ServiceRegistry _registry;
    private readonly Dictionary<ObjectKey, string?> _done = [];
    private readonly List<ObjectKey> _visiting = [];

    public ServiceResolver(CompileContext context, KubernetesServiceBuilder kubernetes, ServiceRegistry registry)
    {
        _context = context;
        _kubernetes = kubernetes;
        _registry = registry;
    }

    /// <summary>
    /// Builds every TraefikService (each reported on itself), in namespace/name order. Runs once middlewares can be
    /// resolved (service entries may carry middlewares; RoutingCompiler wires the processors first).
    /// </summary>
    public void ProcessAll()
    {
        foreach (var ts in CompileContext.Sorted(_context.TraefikServices))
        {
            Process(CompileContext.KeyOf(ts.Metadata));
        }
    }

    public ServiceRegistry Registry => _registry;

    /// <summary>
    /// Resolves the service entry written at <paramref name="field"/> of <paramref name="owner"/>; reports every
    /// problem there. Returns the service id, or null when the entry cannot be served.
    /// </summary>
    public string? Resolve(LoadBalancerSpec spec, ResourceRef owner, string field)
    {
        var parentNs = owner.Namespace;
        var name = spec.Name;
        if (spec.Kind is "TraefikService" && spec.Middlewares is { Count: > 0 })
        {
            // Traefik builds service middlewares for Kubernetes Service entries only (buildServersLB) and drops them
            // here without a word; dropping an auth check silently is worse than refusing the entry.
            _context.Error(DiagnosticCodes.InvalidServiceValue, "ServiceMiddlewaresOnTraefikService", owner, field + ".middlewares",
                "middlewares apply to a Kubernetes Service entry only (as in Traefik, which ignores them here): put them on the TraefikService's own service entries or on the route");
            return null;
        }

        if (ProviderReference.TrySplit(name, out var fullId, out var provider))
        {
            return ResolveProviderReference(spec, fullId, provider, owner, field);
        }

        if (name.Length == 0)
        {
            _context.Error(DiagnosticCodes.ServiceNotFound, "ServiceNotFound", owner, field + ".name", "the service has no name");
            return null;
        }

        var ns = string.IsNullOrEmpty(spec.Namespace) ? parentNs : spec.Namespace;
        if (ns != parentNs && !_context.Options.AllowCrossNamespace)
        {
            _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field + ".namespace",
                $"service {ns}/{name} is in another namespace and allowCrossNamespace is off");
            return null;
        }

        switch (spec.Kind)
        {
            case null or "" or "Service":
                var (id, problems) = _kubernetes.Build(spec, ns);
                _context.ReportAll(problems, owner, field);
                return id;
            case "TraefikService":
                return ResolveTraefikService(new ObjectKey(ns, name), owner, field);
            default:
                _context.Error(DiagnosticCodes.UnsupportedServiceKind, "UnsupportedServiceKind", owner, field + ".kind",
                    $"service kind '{spec.Kind}' is not Service or TraefikService");
                return null;
        }
    }

    /// <summary>
    /// <c>name@provider</c> (Traefik's nameAndService/fullServiceName): only with kind TraefikService; the namespace
    /// field is ignored. <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c> is the TraefikService with that id (another namespace
    /// only with allowCrossNamespace), <c>noop@internal</c> answers 418 like Traefik's, <c>api@internal</c> is the API
    /// and dashboard; other providers and internal services do not exist here and are refused naming them.
    /// </summary>
    private string? ResolveProviderReference(LoadBalancerSpec spec, string id, string provider, ResourceRef owner, string field)
    {
        if (spec.Kind is not "TraefikService")
        {
            _context.Error(DiagnosticCodes.UnsupportedServiceKind, "ServiceProviderUnsupported", owner, field + ".kind",
                $"service '{spec.Name}' names a provider: such a reference needs kind: TraefikService (as in Traefik)");
            return null;
        }

        if (!string.IsNullOrEmpty(spec.Namespace))
        {
            _context.Warning(DiagnosticCodes.UnsupportedServiceKind, "NamespaceIgnored", owner, field + ".namespace",
                $"namespace '{spec.Namespace}' is ignored in a cross-provider reference (as in Traefik)");
        }

        switch (provider)
        {
            case ProviderReference.Internal when id == "noop":
                return _registry.Add("noop@internal", "Internal\nnoop", new ErrorService(418, "noop@internal"));
            case ProviderReference.Internal when id == "api":
                // Traefik's API and dashboard as the route's service: the data plane answers it (no table entry).
                return "api@internal";
            case ProviderReference.Internal:
                _context.Error(DiagnosticCodes.UnsupportedServiceKind, "InternalServiceUnsupported", owner, field + ".name",
                    $"'{spec.Name}' is a Traefik internal service Switchyard does not have (only noop@internal and api@internal; /ping and /metrics are served on the admin entry point)");
                return null;
            case ProviderReference.KubernetesCrd:
                if (ProviderReference.FindById(_context.TraefikServices.Keys, id) is not { } key)
                {
                    _context.Error(DiagnosticCodes.TraefikServiceNotFound, "TraefikServiceNotFound", owner, field + ".name",
                        $"'{spec.Name}': no TraefikService has the id '{id}' (<namespace>-<name>)");
                    return null;
                }

                if (key.Namespace != owner.Namespace && !_context.Options.AllowCrossNamespace)
                {
                    _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field + ".name",
                        $"'{spec.Name}' is TraefikService {key}, in another namespace, and allowCrossNamespace is off");
                    return null;
                }

                return ResolveTraefikService(key, owner, field);
            default:
                _context.Error(DiagnosticCodes.UnsupportedServiceKind, "ServiceProviderUnsupported", owner, field + ".name",
                    $"service '{spec.Name}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd and noop@internal)");
                return null;
        }
    }

    private string? ResolveTraefikService(ObjectKey key, ResourceRef owner, string field)
    {
        if (!_context.TraefikServices.ContainsKey(key))
        {
            _context.Error(DiagnosticCodes.TraefikServiceNotFound, "TraefikServiceNotFound", owner, field + ".name",
                $"TraefikService {key} not found");
            return null;
        }

        var cycleStart = _visiting.IndexOf(key);
        if (cycleStart >= 0)
        {
            var path = string.Join(" → ", _visiting.Skip(cycleStart).Append(key));
            _context.Error(DiagnosticCodes.ServiceCycle, "ServiceCycle", owner, field + ".name",
                $"TraefikService cycle: {path}");
            return null;
        }

        var id = Process(key);
        if (id is null)
        {
            _context.Error(DiagnosticCodes.RouteServiceInvalid, "TraefikServiceInvalid", owner, field + ".name",
                $"TraefikService {key} has errors (see its diagnostics)");
        }

        return id;
    }

    private string? Process(ObjectKey key)
    {
        if (_done.TryGetValue(key, out var known))
        {
            return known;
        }

        _visiting.Add(key);
        var ts = _context.TraefikServices[key];
        var id = Build(ts, CompileContext.RefOf(ts));
        _visiting.RemoveAt(_visiting.Count - 1);
        _done[key] = id;
        return id;
    }

    private string? Build(TraefikService ts, ResourceRef owner)
    {
        var spec = ts.Spec;
        var types = new[] { ("weighted", spec.Weighted is not null), ("mirroring", spec.Mirroring is not null),
            ("failover", spec.Failover is not null), ("highestRandomWeight", spec.HighestRandomWeight is not null) }
            .Where(t => t.Item2).Select(t => t.Item1).ToList();
        if (types.Count != 1)
        {
            _context.Error(DiagnosticCodes.TraefikServiceInvalid, types.Count == 0 ? "TraefikServiceNoType" : "TraefikServiceMultipleTypes", owner, "spec",
                types.Count == 0
                    ? "a TraefikService needs exactly one of weighted, mirroring, failover or highestRandomWeight"
                    : $"a TraefikService has exactly one type, this one has {string.Join(", ", types)}");
            return null;
        }

        var id = Naming.ObjectId(owner.Namespace, owner.Name);
        var identity = "TraefikService\n" + owner.Namespace + "/" + owner.Name;
        if (spec.Weighted is { } weighted)
        {
            var children = Weighted(weighted.Services ?? [], owner, "spec.weighted.services");
            if (children is null)
            {
                return null;
            }

            return _registry.Add(id, identity, new WeightedService(children.Value, LoadBalancerOptions.Sticky(weighted.Sticky, id)));
        }

        if (spec.Mirroring is { } mirroring)
        {
            var main = Resolve(mirroring.ToLoadBalancerSpec(), owner, "spec.mirroring");
            var ok = main is not null;
            var mirrors = ImmutableArray.CreateBuilder<MirrorTarget>();
            for (var i = 0; i < (mirroring.Mirrors?.Count ?? 0); i++)
            {
                var mirror = mirroring.Mirrors![i];
                var field = $"spec.mirroring.mirrors[{i}]";
                var mirrorId = Resolve(mirror.ToLoadBalancerSpec(), owner, field);
                if (mirror.Percent is < 0 or > 100)
                {
                    _context.Error(DiagnosticCodes.InvalidWeight, "InvalidPercent", owner, field + ".percent",
                        $"percent must be between 0 and 100 (got {mirror.Percent})");
                    ok = false;
                }

                if (mirrorId is null)
                {
                    ok = false;
                }
                else
                {
                    mirrors.Add(new MirrorTarget(mirrorId, mirror.Percent ?? 0));
                }
            }

            return ok
                ? _registry.Add(id, identity, new MirroringService(main!, mirrors.ToImmutable(), mirroring.MirrorBody ?? true, mirroring.MaxBodySize ?? -1))
                : null;
        }

        if (spec.Failover is { } failover)
        {
            var main = Resolve(failover.Service, owner, "spec.failover.service");
            var fallback = Resolve(failover.Fallback, owner, "spec.failover.fallback");
            var errors = FailoverErrors(failover.Errors, owner, out var errorsOk);
            if (failover.HealthCheck is not null)
            {
                ModelFieldUse.Warn(_context, "Failover.healthCheck", owner, "spec.failover.healthCheck");
            }

            return main is not null && fallback is not null && errorsOk
                ? _registry.Add(id, identity, new FailoverService(main, fallback) { Errors = errors })
                : null;
        }

        // highestRandomWeight (Traefik pkg/server/service/loadbalancer/hrw): the same children as weighted, picked by client IP.
        var hrw = Weighted(spec.HighestRandomWeight!.Services ?? [], owner, "spec.highestRandomWeight.services");
        return hrw is null ? null : _registry.Add(id, identity, new HighestRandomWeightService(hrw.Value));
    }

    /// <summary>Children of a weighted node (a route with several services, or TraefikService.weighted); null after an error.</summary>
    public ImmutableArray<WeightedChild>? Weighted(IReadOnlyList<LoadBalancerSpec> services, ResourceRef owner, string field)
    {
        if (services.Count == 0)
        {
            _context.Error(DiagnosticCodes.TraefikServiceInvalid, "NoServices", owner, field, "weighted needs at least one service");
            return null;
        }

        var ok = true;
        var children = ImmutableArray.CreateBuilder<WeightedChild>(services.Count);
        for (var i = 0; i < services.Count; i++)
        {
            var childField = $"{field}[{i}]";
            var id = Resolve(services[i], owner, childField);
            if (services[i].Weight is < 0)
            {
                _context.Error(DiagnosticCodes.InvalidWeight, "InvalidWeight", owner, childField + ".weight",
                    $"weight must not be negative (got {services[i].Weight})");
                ok = false;
            }

            if (id is null)
            {
                ok = false;
            }
            else
            {
                children.Add(new WeightedChild(id, services[i].Weight ?? 1));
            }
        }

        return ok ? children.MoveToImmutable() : null;
    }

    /// <summary>
    /// failover.errors (Traefik failover.New): each status must be a code or range, else the TraefikService is refused
    /// (Traefik fails to build it). Without a status it does nothing (null); a negative maxRequestBodyBytes means no limit.
    /// </summary>
    private FailoverErrorsConfig? FailoverErrors(FailoverErrors? errors, ResourceRef owner, out bool ok)
    {
        ok = true;
        var status = errors?.Status ?? [];
        for (var i = 0; i < status.Count; i++)
        {
            if (!Middlewares.ResilienceMappers.IsStatusRange(status[i]))
            {
                _context.Error(DiagnosticCodes.TraefikServiceInvalid, "InvalidValue", owner, $"spec.failover.errors.status[{i}]",
                    $"'{status[i]}' is not a status code or range (e.g. 404 or 500-599)");
                ok = false;
            }
        }

        return status.Count == 0 ? null : new FailoverErrorsConfig([.. status], Math.Max(-1, errors!.MaxRequestBodyBytes ?? -1));
    }
}
