using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// The load balancers of TCP and UDP services (Traefik's loadTCPServers / loadUDPServers): the Kubernetes Service
/// port by number or name, servers from its EndpointSlices (or its ClusterIP with nativeLB), as <c>host:port</c>.
/// Several services on one route become a weighted node named after the router.
/// </summary>
internal sealed class TcpServiceBuilder(CompileContext context, KubernetesServiceBuilder kubernetes)
{
    private readonly SortedDictionary<string, TcpServiceConfig> _services = new(StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, TcpServiceConfig> Reachable(IEnumerable<string> roots)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, TcpServiceConfig>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var id))
        {
            if (result.ContainsKey(id) || !_services.TryGetValue(id, out var node))
            {
                continue;
            }

            result[id] = node;
            if (node is TcpWeighted weighted)
            {
                foreach (var child in weighted.Children)
                {
                    pending.Push(child.Service);
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>The root service id of a route, or null after reporting why there is none.</summary>
    /// <param name="entries">(name, namespace, port, weight, nativeLB, transport id, tls) per service entry.</param>
    public string? Root(IReadOnlyList<TcpServiceEntry> entries, ResourceRef owner, string field, string routerName)
    {
        if (entries.Count == 0)
        {
            context.Error(DiagnosticCodes.NoServices, "NoServices", owner, field, "the route has no services");
            return null;
        }

        var ids = new List<(string Id, int Weight)>();
        var ok = true;
        for (var i = 0; i < entries.Count; i++)
        {
            var id = LoadBalancer(entries[i], owner, $"{field}[{i}]");
            ok &= id is not null;
            if (id is not null)
            {
                ids.Add((id, entries[i].Weight ?? 1));
            }
        }

        if (!ok)
        {
            return null;
        }

        if (ids.Count == 1)
        {
            return ids[0].Id;
        }

        _services[routerName] = new TcpWeighted([.. ids.Select(c => new TcpWeightedChild(c.Id, c.Weight))]);
        return routerName;
    }

    private string? LoadBalancer(TcpServiceEntry entry, ResourceRef owner, string field)
    {
        var ns = string.IsNullOrEmpty(entry.Namespace) ? owner.Namespace : entry.Namespace;
        if (ns != owner.Namespace && !context.Options.AllowCrossNamespace)
        {
            context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field + ".namespace",
                $"Service {ns}/{entry.Name} is in another namespace and allowCrossNamespace is off");
            return null;
        }

        if (entry.Weight is < 0)
        {
            context.Error(DiagnosticCodes.InvalidWeight, "InvalidWeight", owner, field + ".weight", $"weight must not be negative (got {entry.Weight})");
            return null;
        }

        var key = new ObjectKey(ns, entry.Name);
        if (!context.Services.TryGetValue(key, out var service))
        {
            context.Error(DiagnosticCodes.ServiceNotFound, "ServiceNotFound", owner, field + ".name", $"Service {key} not found");
            return null;
        }

        var isExternalName = string.Equals(service.Spec?.Type, "ExternalName", StringComparison.Ordinal);
        var port = KubernetesServiceBuilder.FindPort(service, entry.Port, isExternalName);
        if (port is null)
        {
            context.Error(DiagnosticCodes.ServicePortNotFound, "ServicePortNotFound", owner, field + ".port",
                $"Service {key} has no port '{entry.Port.Value}'");
            return null;
        }

        var spec = new LoadBalancerSpec { Name = entry.Name, Port = entry.Port, NativeLB = entry.NativeLB, NodePortLB = entry.NodePortLB };
        var problems = new List<Problem>();
        var servers = kubernetes.Servers(spec, service, port, key, isExternalName, problems);
        if (!context.ReportAll(problems, owner, field) || servers is null)
        {
            return null;
        }

        if (servers.Value.All(s => s.Terminating))
        {
            // Traefik drops a TCP/UDP service without endpoints (allowEmptyServices only answers 503 on HTTP).
            context.Error(DiagnosticCodes.ServiceHasNoEndpoints, "ServiceHasNoEndpoints", owner, field + ".name",
                $"Service {key} has no ready endpoint for port '{entry.Port.Value}'; the route is dropped");
            return null;
        }

        // A terminating endpoint gets no new connection (connections are long-lived: they would be cut soon).
        var ready = servers.Value.Where(s => !s.Terminating).OrderBy(s => s.Authority, StringComparer.Ordinal).ToImmutableArray();
        var node = new TcpLoadBalancer(ready, entry.Transport, entry.Tls);
        var id = Naming.ServicePortId(ns, entry.Name, entry.Port.Value ?? "") +
                 (entry.Transport == "default" && !entry.Tls ? "" : "-" + Naming.Normalize(entry.Transport) + (entry.Tls ? "-tls" : ""));
        _services[id] = node;
        return id;
    }
}

/// <summary>One service entry of a TCP or UDP route, with its transport already resolved.</summary>
internal sealed record TcpServiceEntry(string Name, string? Namespace, IntOrString Port, int? Weight, bool? NativeLB, string Transport, bool Tls, bool? NodePortLB = null);
