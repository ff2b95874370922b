using k8s.Models;
using Switchyard.Model;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// The Service whose address a provider publishes in its objects' status: the Ingress provider's
/// <c>ingressEndpoint.publishedService</c> and the Gateway provider's <c>statusAddress.service</c>. Read from the
/// snapshot, so it is watched like every Service and a change of its status recomputes what is published.
/// </summary>
public static class PublishedService
{
    /// <summary>The Service, or null with the reason (as Traefik, only a Service of a watched namespace can be read).</summary>
    public static V1Service? Find(ClusterSnapshot snapshot, string setting, string @namespace, string name, out string? problem)
    {
        var service = snapshot.Services.FirstOrDefault(s => (s.Metadata?.NamespaceProperty ?? "default") == @namespace && s.Metadata?.Name == name);
        problem = service is null ? $"{setting} {@namespace}/{name} not found (is its namespace watched?)" : null;
        return service;
    }
}
