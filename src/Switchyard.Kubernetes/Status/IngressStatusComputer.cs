using k8s.Models;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Compiler.Ingresses;

namespace Switchyard.Kubernetes.Status;

/// <summary>The load-balancer status one Ingress should carry, next to the one it has.</summary>
public sealed record IngressStatusUpdate(ResourceRef Resource, IReadOnlyList<V1IngressLoadBalancerIngress> Desired,
    IReadOnlyList<V1IngressLoadBalancerIngress>? Current, string? ResourceVersion);

/// <summary>
/// Pure: which processed Ingresses need <c>status.loadBalancer.ingress</c> written, from <c>ingressEndpoint</c>, as
/// Traefik's updateIngressStatus (pkg/provider/kubernetes/ingress/kubernetes.go): a fixed ip/hostname, or the
/// published Service's address by its type (LoadBalancer: its status; ClusterIP: its externalIPs with the ports;
/// NodePort: the Nodes' ExternalIPs with the node ports; ExternalName: its name). Compared like Traefik's
/// isLoadBalancerIngressEquals (hostname+ip set), so an equal status is never written again.
/// </summary>
public static class IngressStatusComputer
{
    public static IReadOnlyList<IngressStatusUpdate> Compute(ClusterSnapshot snapshot, IngressSourceOptions options, out string? problem)
    {
        problem = null;
        if (options.Endpoint is not { } endpoint || snapshot.Ingresses.IsEmpty)
        {
            return [];
        }

        var desired = Desired(snapshot, endpoint, out problem);
        if (desired is null)
        {
            return [];
        }

        var updates = new List<IngressStatusUpdate>();
        foreach (var ingress in IngressClassFilter.Select(snapshot, options.Provider))
        {
            var current = ingress.Status?.LoadBalancer?.Ingress;
            if (!SameAddresses(current, desired))
            {
                updates.Add(new IngressStatusUpdate(ResourceRefs.Of(ingress), desired, current?.ToList(), ingress.Metadata?.ResourceVersion));
            }
        }

        return updates;
    }

    /// <summary>The addresses to publish; null (with the reason, or none when there is nothing to say yet) when none can be.</summary>
    public static IReadOnlyList<V1IngressLoadBalancerIngress>? Desired(ClusterSnapshot snapshot, IngressEndpoint endpoint, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(endpoint.PublishedService))
        {
            if (string.IsNullOrEmpty(endpoint.Ip) && string.IsNullOrEmpty(endpoint.Hostname))
            {
                problem = "ingressEndpoint: publishedService or ip or hostname must be defined";
                return null;
            }

            return [new V1IngressLoadBalancerIngress { Ip = Blank(endpoint.Ip), Hostname = Blank(endpoint.Hostname) }];
        }

        var parts = endpoint.PublishedService.Split('/');
        if (parts.Length != 2)
        {
            problem = $"ingressEndpoint.publishedService '{endpoint.PublishedService}' is not namespace/name";
            return null;
        }

        if (PublishedService.Find(snapshot, "ingressEndpoint.publishedService", parts[0], parts[1], out problem) is not { } service)
        {
            return null;
        }

        switch (service.Spec?.Type ?? "ClusterIP")
        {
            case "LoadBalancer":
                // No address assigned yet: nothing to publish until the cloud gives one (Traefik skips too).
                return service.Status?.LoadBalancer?.Ingress is { } lb
                    ? [.. lb.Select(i => new V1IngressLoadBalancerIngress { Ip = i.Ip, Hostname = i.Hostname, Ports = i.Ports?.Select(p => new V1IngressPortStatus { Port = p.Port, Protocol = p.Protocol, Error = p.Error }).ToList() })]
                    : null;
            case "ClusterIP":
                return [.. (service.Spec?.ExternalIPs ?? []).Select(ip => new V1IngressLoadBalancerIngress { Ip = ip, Ports = Ports(service, nodePorts: false) })];
            case "NodePort":
                return [.. snapshot.Nodes.SelectMany(n => n.Status?.Addresses ?? []).Where(a => a.Type == "ExternalIP")
                    .Select(a => new V1IngressLoadBalancerIngress { Ip = a.Address, Ports = Ports(service, nodePorts: true) })];
            case "ExternalName":
                return [new V1IngressLoadBalancerIngress { Hostname = service.Spec?.ExternalName }];
            default:
                problem = $"ingressEndpoint.publishedService {endpoint.PublishedService}: unsupported service type {service.Spec?.Type}";
                return null;
        }
    }

    /// <summary>Traefik's isLoadBalancerIngressEquals: same length and every hostname+ip of one is in the other.</summary>
    public static bool SameAddresses(IList<V1IngressLoadBalancerIngress>? a, IReadOnlyList<V1IngressLoadBalancerIngress> b)
    {
        a ??= [];
        if (a.Count != b.Count)
        {
            return false;
        }

        var seen = a.Select(i => (i.Hostname ?? "") + (i.Ip ?? "")).ToHashSet(StringComparer.Ordinal);
        return b.All(i => seen.Contains((i.Hostname ?? "") + (i.Ip ?? "")));
    }

    private static List<V1IngressPortStatus>? Ports(V1Service service, bool nodePorts)
    {
        var ports = (service.Spec?.Ports ?? []).Select(p => new V1IngressPortStatus { Port = nodePorts ? p.NodePort ?? 0 : p.Port, Protocol = p.Protocol ?? "TCP" }).ToList();
        return ports.Count == 0 ? null : ports;
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
