using System.Collections.Immutable;
using System.Globalization;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>A backendRef that cannot be used: the ResolvedRefs reason of the spec and why.</summary>
internal sealed record BackendProblem(string Reason, string Message);

/// <summary>A backendRef's filters → middleware ids (named from <paramref name="id"/>), or null with the problem reported.</summary>
internal delegate ImmutableArray<string>? BackendFilterResolver(IReadOnlyList<RouteFilter> filters, string field, string id, out BackendProblem? problem);

/// <summary>
/// backendRefs → service ids (Traefik's loadWRRService/loadService and loadGRPCService, pkg/provider/kubernetes/gateway):
/// a Service port by number, the scheme from the port's appProtocol (HTTPRoute: http, or https on 443/"https*" names;
/// GRPCRoute: h2c), other namespaces through a ReferenceGrant, weights (0 ⇒ no traffic). Per the spec, the share of
/// an unusable backendRef answers 500 and the route reports ResolvedRefs False; a rule with no usable weight answers 500.
/// Load balancers are the same nodes IngressRoutes get (KubernetesServiceBuilder), shared and memoized.
/// </summary>
internal sealed class GatewayBackends(CompileContext context, KubernetesServiceBuilder kubernetes, ServiceRegistry registry, ReferenceGrants grants,
    BackendTlsPolicies policies)
{
    /// <summary>
    /// The id of the 500 answer for invalid backends (one node shared by every route). Available: in a weighted rule it
    /// takes the invalid backendRef's share of the calls, which the spec says get 500 (Traefik's loadWRRService gives
    /// such a WRRService a status of 500), rather than being skipped so the valid backends take them.
    /// </summary>
    public string ErrorId => registry.Add("gateway-invalid-backend", "GatewayApi\ninvalid-backend", new ErrorService(500, "invalid backendRef") { Available = true });

    /// <summary>The root service of a rule; <paramref name="problem"/> gets the first unusable backend's reason.</summary>
    /// <param name="gateway">The Gateway the rule is served through: the ancestor of the BackendTLSPolicies that apply.</param>
    /// <param name="backendFilters">Turns a backendRef's filters (field, id prefix) into middleware ids, or null after reporting why not.</param>
    public string Rule(string routeKind, ResourceRef owner, ResourceRef gateway, IReadOnlyList<RouteBackendRef>? refs, string field, string weightedId, ref BackendProblem? problem,
        BackendFilterResolver? backendFilters = null)
    {
        var children = new List<WeightedChild>();
        for (var i = 0; i < (refs?.Count ?? 0); i++)
        {
            var backend = refs![i];
            var weight = backend.Weight ?? 1;
            var id = Resolve(routeKind, owner, gateway, backend.Group, backend.Kind, backend.Name, backend.Namespace, backend.Port, $"{field}[{i}]", out var p);
            if (id is null)
            {
                problem ??= p;
            }
            else if (backend.Filters is { Count: > 0 } filters)
            {
                id = Filtered(owner, id, filters, $"{field}[{i}].filters", $"{weightedId}-{i}", backendFilters, ref problem);
            }

            if (weight > 0)
            {
                children.Add(new WeightedChild(id ?? ErrorId, weight));
            }
        }

        if (children.Count == 0)
        {
            return ErrorId;
        }

        if (children.Count == 1)
        {
            // Alone, a backend is the rule's answer; no weighted node in between.
            return children[0].Service;
        }

        var identity = "GatewayWeighted\n" + string.Join('\n', children.Select(c => $"{c.Service}:{c.Weight}"));
        return registry.Add(weightedId, identity, new WeightedService([.. children], null));
    }

    /// <summary>
    /// The first unusable backendRef of <paramref name="refs"/> without serving them: the ResolvedRefs of a route whose
    /// only listener is not programmed (it still counts in attachedRoutes and reports its references, as the spec's
    /// GatewayWithAttachedRoutes expects).
    /// </summary>
    public BackendProblem? Check(string routeKind, ResourceRef owner, IReadOnlyList<RouteBackendRef>? refs, string field)
    {
        for (var i = 0; i < (refs?.Count ?? 0); i++)
        {
            var backend = refs![i];
            if (Lookup(routeKind, owner, backend.Group, backend.Kind, backend.Name, backend.Namespace, backend.Port, $"{field}[{i}]", out var problem) is null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The Service and port a backendRef names, when its kind, ReferenceGrant, Service and port are right; null after reporting.</summary>
    private (string Namespace, V1ServicePort Port)? Lookup(string routeKind, ResourceRef owner, string? group, string? kind, string name, string? refNamespace,
        int? port, string field, out BackendProblem? problem)
    {
        problem = null;
        var ns = string.IsNullOrEmpty(refNamespace) ? owner.Namespace : refNamespace;
        if ((group ?? "") != "" || (kind ?? "Service") != "Service")
        {
            problem = Report(owner, field, new BackendProblem("InvalidKind", $"backend {group}/{kind} {name} is not a Service (only core Services are supported)"));
            return null;
        }

        if (!grants.Allows(routeKind, owner.Namespace, "", "Service", name, ns))
        {
            problem = Report(owner, field, new BackendProblem("RefNotPermitted", $"Service {ns}/{name} is in another namespace and no ReferenceGrant allows it"));
            return null;
        }

        if (port is not { } number)
        {
            problem = Report(owner, field + ".port", new BackendProblem("BackendNotFound", $"a port is required for Service {ns}/{name}"));
            return null;
        }

        if (!context.Services.TryGetValue(new ObjectKey(ns, name), out var service))
        {
            problem = Report(owner, field, new BackendProblem("BackendNotFound", $"Service {ns}/{name} not found"));
            return null;
        }

        var servicePort = (service.Spec?.Ports ?? []).FirstOrDefault(p => p.Port == number);
        if (servicePort is null)
        {
            problem = Report(owner, field + ".port", new BackendProblem("BackendNotFound", $"Service {ns}/{name} has no port {number}"));
            return null;
        }

        return (ns, servicePort);
    }

    /// <summary>
    /// A backendRef with filters (Gateway API extended feature HTTPRouteBackendRequestHeaderModification; Traefik:
    /// loadHTTPBackendRef's middlewares): a node of its own in front of the backend's service carrying the filters'
    /// middlewares, so they run only on the calls that backend gets. Null (its share answers 500) when they cannot be honoured.
    /// </summary>
    private string? Filtered(ResourceRef owner, string service, IReadOnlyList<RouteFilter> filters, string field, string id, BackendFilterResolver? resolver, ref BackendProblem? problem)
    {
        BackendProblem? p = null;
        if ((resolver is null ? null : resolver(filters, field, id, out p)) is not { } ids)
        {
            problem ??= p ?? Report(owner, field, new BackendProblem("UnsupportedValue", "filters on a backendRef are not supported here"));
            return null;
        }

        var identity = "GatewayBackendFilters\n" + service + "\n" + string.Join('\n', ids);
        return registry.Add(id + "-filtered", identity, new WeightedService([new WeightedChild(service, 1)], null) { Middlewares = ids });
    }

    /// <summary>One backend (a rule's backendRef or a RequestMirror's): its service id, or null after reporting.</summary>
    public string? Resolve(string routeKind, ResourceRef owner, ResourceRef gateway, string? group, string? kind, string name, string? refNamespace, int? port, string field, out BackendProblem? problem)
    {
        if (Lookup(routeKind, owner, group, kind, name, refNamespace, port, field, out problem) is not var (ns, servicePort))
        {
            return null;
        }

        var number = servicePort.Port;
        var transport = policies.For(ns, name, servicePort, gateway, out var tlsProblem);
        if (transport is null)
        {
            problem = Report(owner, field, tlsProblem!);
            return null;
        }

        // With a BackendTLSPolicy the backend speaks TLS whatever its appProtocol says (Traefik: "https").
        string? protocolError = null;
        var scheme = transport.Length > 0 ? "https" : Scheme(routeKind, servicePort, out protocolError);
        if (scheme is null)
        {
            problem = Report(owner, field, new BackendProblem("UnsupportedProtocol", $"Service {ns}/{name} port {number}: {protocolError}"));
            return null;
        }

        var spec = new LoadBalancerSpec
        {
            Name = name,
            Port = number.ToString(CultureInfo.InvariantCulture),
            Scheme = scheme,
            ServersTransport = transport.Length > 0 ? transport : null,
        };
        var (id, problems) = kubernetes.Build(spec, ns);
        if (id is not null)
        {
            foreach (var warning in problems)
            {
                context.Report(warning.Severity, warning.Code, warning.Reason, owner, field, warning.Message);
            }

            return id;
        }

        if (problems.Any(p => p.Code == DiagnosticCodes.ServiceHasNoEndpoints))
        {
            // The reference resolves; the Service has no ready endpoint yet: its share answers 503 until one is.
            var message = $"Service {ns}/{name} has no ready endpoint for port {number}";
            context.Warning(DiagnosticCodes.ServiceEmptyServedAsError, "ServiceHasNoEndpoints", owner, field, message + "; its share of the calls gets 503");
            return registry.Add(Naming.ServicePortId(ns, name, number.ToString(CultureInfo.InvariantCulture)) + "-unavailable", "GatewayEmpty\n" + message, new ErrorService(503, message));
        }

        var first = problems.FirstOrDefault(p => p.Severity == Severity.Error);
        problem = Report(owner, field, new BackendProblem("BackendNotFound", first?.Message ?? $"Service {ns}/{name} cannot be used"));
        return null;
    }

    private BackendProblem Report(ResourceRef owner, string field, BackendProblem problem)
    {
        context.Error(DiagnosticCodes.GatewayBackendRefInvalid, problem.Reason, owner, field, problem.Message + "; its share of the calls gets 500");
        return problem;
    }

    /// <summary>Traefik's getHTTPServiceProtocol / getGRPCServiceProtocol: the scheme by appProtocol.</summary>
    private static string? Scheme(string routeKind, V1ServicePort port, out string? error)
    {
        error = null;
        if ((port.Protocol ?? "TCP") != "TCP")
        {
            error = "only TCP ports are supported";
            return null;
        }

        var appProtocol = port.AppProtocol?.ToLowerInvariant();
        if (routeKind == GatewayApiKinds.GrpcRoute)
        {
            switch (appProtocol)
            {
                case null or "kubernetes.io/h2c": return "h2c";
                case "https": return "https";
                default: error = $"appProtocol {appProtocol} is not supported for gRPC (kubernetes.io/h2c or https)"; return null;
            }
        }

        switch (appProtocol)
        {
            case null:
                return port.Port == 443 || (port.Name ?? "").StartsWith("https", StringComparison.Ordinal) ? "https" : "http";
            case "kubernetes.io/h2c": return "h2c";
            case "http" or "kubernetes.io/ws": return "http";
            case "https" or "kubernetes.io/wss": return "https";
            default: error = $"appProtocol {appProtocol} is not supported"; return null;
        }
    }

    /// <summary>The mirror percentage of a RequestMirror filter: percent, or fraction (numerator/denominator), else 100.</summary>
    public static int MirrorPercent(RequestMirrorFilter mirror) =>
        mirror.Percent ?? (mirror.Fraction is { } f ? (int)Math.Round(100.0 * f.Numerator / Math.Max(1, f.Denominator ?? 100)) : 100);

    /// <summary>Wraps <paramref name="main"/> in a mirroring node (Traefik's mirroring service: body mirrored, no size limit).</summary>
    public string Mirrored(string main, ImmutableArray<MirrorTarget> mirrors, string id)
    {
        var identity = "GatewayMirror\n" + main + "\n" + string.Join('\n', mirrors.Select(m => $"{m.Service}:{m.Percent}"));
        return registry.Add(id, identity, new MirroringService(main, mirrors, true, -1));
    }
}
