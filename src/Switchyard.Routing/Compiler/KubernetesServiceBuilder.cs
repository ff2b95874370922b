using System.Collections.Immutable;
using System.Text.Json;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Builds the load balancer of one Kubernetes Service port named by a service entry (Traefik's
/// buildServersLB + loadServers): port lookup, scheme inference, servers from the EndpointSlices matched by
/// port name (or the ClusterIP with nativeLB, or the external name), settings with defaults. Results are
/// memoized by everything that shapes them, so 10 000 routes to one Service build it once.
/// </summary>
/// <param name="ingress">
/// Set for the Kubernetes Ingress stage: its provider's allowEmptyServices, allowExternalNameServices and
/// nativeLBByDefault apply instead of the kubernetesCRD provider's, and transport references are cross-provider.
/// </param>
internal sealed class KubernetesServiceBuilder(CompileContext context, ServersTransportProcessor transports, ServiceRegistry registry,
    IngressProviderOptions? ingress = null)
{
    private readonly bool _allowEmptyServices = ingress?.AllowEmptyServices ?? context.Options.AllowEmptyServices;
    private readonly bool _allowExternalNameServices = ingress?.AllowExternalNameServices ?? context.Options.AllowExternalNameServices;
    private readonly bool _nativeLBByDefault = ingress?.NativeLBByDefault ?? context.Options.NativeLBByDefault;

    private static readonly JsonSerializerOptions KeyOptions = new() { WriteIndented = false };

    private readonly Dictionary<string, (string? Id, ImmutableArray<Problem> Problems)> _memo = new(StringComparer.Ordinal);

    /// <summary>Resolves the entries' <c>middlewares</c>; set by RoutingCompiler once the middleware processor exists.</summary>
    public MiddlewareProcessor? Middlewares { get; set; }

    /// <summary>The service id, or null when an error prevents it; problems are for the referencing object.</summary>
    public (string? Id, ImmutableArray<Problem> Problems) Build(LoadBalancerSpec spec, string serviceNamespace)
    {
        var identity = Identity(spec, serviceNamespace);
        if (_memo.TryGetValue(identity, out var cached))
        {
            return cached;
        }

        var problems = new List<Problem>();
        var id = BuildCore(spec, serviceNamespace, identity, problems);
        var result = (problems.Any(p => p.Severity == Severity.Error) ? null : id, problems.ToImmutableArray());
        _memo[identity] = result;
        return result;
    }

    /// <summary>
    /// Everything that shapes the result (weight, kind and namespace are the caller's business). The common
    /// case is a few scalars; nested settings fall back to their JSON, which is exact but slower.
    /// </summary>
    private static string Identity(LoadBalancerSpec spec, string ns)
    {
        if (spec is { Sticky: null, HealthCheck: null, PassiveHealthCheck: null, ResponseForwarding: null, Middlewares: null })
        {
            return string.Join('\n', ns, spec.Name, spec.Port?.Value, spec.Scheme, spec.Strategy, spec.PassHostHeader?.ToString(),
                spec.ServersTransport, spec.NativeLB?.ToString(), spec.NodePortLB?.ToString());
        }

        return ns + "\n" + JsonSerializer.Serialize(spec with { Weight = null, Kind = null, Namespace = null }, KeyOptions);
    }

    private string? BuildCore(LoadBalancerSpec spec, string ns, string identity, List<Problem> problems)
    {
        var key = new ObjectKey(ns, spec.Name);
        if (!context.Services.TryGetValue(key, out var service))
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServiceNotFound, "ServiceNotFound", $"Service {key} not found", ".name"));
            return null;
        }

        if (spec.Port?.Value is not { Length: > 0 } portText)
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServicePortNotFound, "ServicePortNotFound",
                $"a port (number or name) is required for Service {key}", ".port"));
            return null;
        }

        var isExternalName = string.Equals(service.Spec?.Type, "ExternalName", StringComparison.Ordinal);
        var port = FindPort(service, spec.Port, isExternalName);
        if (port is null)
        {
            var known = string.Join(", ", (service.Spec?.Ports ?? []).Select(p => string.IsNullOrEmpty(p.Name) ? $"{p.Port}" : $"{p.Name} ({p.Port})"));
            problems.Add(Problem.Error(DiagnosticCodes.ServicePortNotFound, "ServicePortNotFound",
                $"Service {key} has no port '{portText}'" + (known.Length > 0 ? $" (it has: {known})" : ""), ".port"));
            return null;
        }

        if (!ServiceScheme.TryResolve(spec.Scheme, port.Name, port.Port, out var scheme))
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidScheme, "InvalidScheme",
                $"scheme '{spec.Scheme}' is not http, https or h2c", ".scheme"));
            return null;
        }

        var strategy = LoadBalancerOptions.Strategy(spec.Strategy, problems);
        var transport = string.IsNullOrEmpty(spec.ServersTransport) ? "default" : transports.Resolve(ns, spec.ServersTransport, problems, crossProvider: ingress is not null);
        var flush = LoadBalancerOptions.FlushInterval(spec.ResponseForwarding, problems);
        var healthCheck = LoadBalancerOptions.HealthCheck(spec.HealthCheck, problems);
        var passive = LoadBalancerOptions.PassiveHealthCheck(spec.PassiveHealthCheck, problems);
        var middlewares = ServiceMiddlewares(spec, ns, problems);

        var id = Naming.ServicePortId(ns, spec.Name, portText);
        var servers = Servers(spec, service, port, key, isExternalName, problems);
        if (servers is null || strategy is null || transport is null || problems.Any(p => p.Severity == Severity.Error))
        {
            return null;
        }

        if (servers.Value.IsEmpty)
        {
            var message = $"Service {key} has no ready endpoint for port '{port.Name ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}'";
            if (!_allowEmptyServices)
            {
                problems.Add(Problem.Error(DiagnosticCodes.ServiceHasNoEndpoints, "ServiceHasNoEndpoints",
                    message + "; the route is dropped (allowEmptyServices is off)", ".name"));
                return null;
            }

            problems.Add(Problem.Warning(DiagnosticCodes.ServiceEmptyServedAsError, "ServiceEmptyServedAsError",
                message + "; calls get 503 until one is ready (allowEmptyServices)", ".name"));
            return registry.Add(id, identity, new ErrorService(503, message) { Middlewares = middlewares });
        }

        var lb = new LoadBalancerService(
            servers.Value,
            strategy.Value,
            scheme,
            spec.PassHostHeader ?? true,
            transport,
            flush,
            LoadBalancerOptions.Sticky(spec.Sticky, id),
            healthCheck,
            passive) { Middlewares = middlewares };
        return registry.Add(id, identity, lb);
    }

    /// <summary>
    /// The entry's middlewares (Traefik v3.7 buildServersLB → dynamic.Service.Middlewares): resolved in the Service's
    /// namespace like a route's, chains flattened; they run on the calls this node gets, after the router's. Default
    /// (none) when the entry has none; a broken reference is an error for whoever uses the entry.
    /// </summary>
    private ImmutableArray<string> ServiceMiddlewares(LoadBalancerSpec spec, string ns, List<Problem> problems)
    {
        if (spec.Middlewares is not { Count: > 0 } references)
        {
            return default;
        }

        if (Middlewares is null)
        {
            throw new InvalidOperationException("service middlewares are resolved before the middleware processor is set");
        }

        var ids = new List<string>();
        return Middlewares.ResolveForService(references, ns, ids, problems) ? [.. ids] : default;
    }

    /// <summary>Traefik's getServicePort: by number or by name; an ExternalName Service accepts any number.</summary>
    internal static V1ServicePort? FindPort(V1Service service, IntOrString port, bool isExternalName)
    {
        var isNumber = LoadBalancerOptions.TryPortNumber(port, out var number);
        foreach (var p in service.Spec?.Ports ?? [])
        {
            if (isNumber ? p.Port == number : string.Equals(p.Name, port.Value, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return isExternalName && isNumber ? new V1ServicePort { Port = number } : null;
    }

    /// <summary>Servers sorted by host:port; null after an error; empty when no endpoint is ready.</summary>
    internal ImmutableArray<ServerConfig>? Servers(LoadBalancerSpec spec, V1Service service, V1ServicePort port, ObjectKey key,
        bool isExternalName, List<Problem> problems)
    {
        if (isExternalName)
        {
            if (!_allowExternalNameServices)
            {
                problems.Add(Problem.Error(DiagnosticCodes.ExternalNameNotAllowed, "ExternalNameNotAllowed",
                    $"Service {key} is of type ExternalName, which allowExternalNameServices does not allow", ".name"));
                return null;
            }

            return [new ServerConfig(service.Spec?.ExternalName ?? "", port.Port)];
        }

        if (spec.NativeLB ?? _nativeLBByDefault)
        {
            var clusterIp = service.Spec?.ClusterIP;
            if (string.IsNullOrEmpty(clusterIp) || clusterIp == "None")
            {
                problems.Add(Problem.Error(DiagnosticCodes.NativeLbNoClusterIp, "NativeLBNoClusterIP",
                    $"nativeLB needs a ClusterIP, and Service {key} has none (headless?)", ".nativeLB"));
                return null;
            }

            return [new ServerConfig(clusterIp, port.Port)];
        }

        if (spec.NodePortLB == true)
        {
            if (string.Equals(service.Spec?.Type, "NodePort", StringComparison.Ordinal))
            {
                return NodePortServers(port, key, problems);
            }

            // Traefik ignores nodePortLB on other Service types; say so.
            problems.Add(Problem.Warning(DiagnosticCodes.InvalidServiceValue, "NodePortLBIgnored",
                $"nodePortLB applies to NodePort Services only; Service {key} is {service.Spec?.Type ?? "ClusterIP"}, so servers come from its EndpointSlices (as in Traefik)", ".nodePortLB"));
        }

        // Endpoint ports carry the Service port's name ("" for a single unnamed port).
        var portName = port.Name ?? "";
        var byAuthority = new SortedDictionary<string, ServerConfig>(StringComparer.Ordinal);
        foreach (var slice in context.EndpointSlices.GetValueOrDefault(key) ?? [])
        {
            var endpointPort = (slice.Ports ?? []).FirstOrDefault(p => (p.Name ?? "") == portName && p.Port is not null);
            if (endpointPort is null)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                var conditions = endpoint.Conditions;
                var serving = conditions?.Serving ?? conditions?.Ready ?? true;
                if (!serving)
                {
                    continue;
                }

                var terminating = conditions?.Terminating ?? false;
                foreach (var address in endpoint.Addresses ?? [])
                {
                    var server = new ServerConfig(address, endpointPort.Port!.Value, 1, terminating);
                    // The same address in two slices: it is terminating only if every copy says so.
                    byAuthority[server.Authority] = byAuthority.TryGetValue(server.Authority, out var seen)
                        ? server with { Terminating = seen.Terminating && terminating }
                        : server;
                }
            }
        }

        return [.. byAuthority.Values];
    }

    /// <summary>
    /// Traefik's loadServers with nodePortLB (pkg/provider/kubernetes/crd/kubernetes_http.go): one server per InternalIP
    /// address of every Node, on the Service port's nodePort; no Node, or no InternalIP, is an error.
    /// </summary>
    private ImmutableArray<ServerConfig>? NodePortServers(V1ServicePort port, ObjectKey key, List<Problem> problems)
    {
        var nodePort = port.NodePort ?? 0;
        if (nodePort <= 0)
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidServiceValue, "NodePortMissing",
                $"nodePortLB: port '{port.Name ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}' of Service {key} has no nodePort", ".nodePortLB"));
            return null;
        }

        if (context.Nodes.Count == 0)
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServiceHasNoEndpoints, "NodesNotFound",
                $"nodePortLB: no Node objects are known for NodePort Service {key}", ".nodePortLB"));
            return null;
        }

        var servers = new SortedDictionary<string, ServerConfig>(StringComparer.Ordinal);
        foreach (var node in context.Nodes)
        {
            foreach (var address in node.Status?.Addresses ?? [])
            {
                if (address.Type == "InternalIP" && !string.IsNullOrEmpty(address.Address))
                {
                    var server = new ServerConfig(address.Address, nodePort);
                    servers[server.Authority] = server;
                }
            }
        }

        if (servers.Count == 0)
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServiceHasNoEndpoints, "NodesNotFound",
                $"nodePortLB: no Node has an InternalIP address for NodePort Service {key}", ".nodePortLB"));
            return null;
        }

        return [.. servers.Values];
    }
}
