using Switchyard.Model;
using Switchyard.Model.GatewayApi;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Pure: the <c>status.addresses</c> our Gateways carry, from <c>statusAddress</c>, as Traefik's gatewayAddresses
/// (pkg/provider/kubernetes/gateway/kubernetes.go): the IP (type IPAddress), else the hostname (type Hostname), else one
/// address per <c>status.loadBalancer.ingress</c> entry of the published Service (its IP, else its hostname; an entry
/// with neither is skipped). Every Gateway of ours gets the same addresses.
/// </summary>
public static class GatewayStatusAddresses
{
    public const string IPAddressType = "IPAddress";
    public const string HostnameType = "Hostname";

    /// <summary>
    /// The addresses to publish; null when the Gateways' addresses are to be left as they are: no statusAddress, or
    /// its Service cannot be read (<paramref name="problem"/> says why; Traefik then updates no status at all).
    /// </summary>
    public static IReadOnlyList<GatewayAddress>? Desired(ClusterSnapshot snapshot, GatewayStatusAddress? config, out string? problem)
    {
        problem = null;
        if (config is null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(config.Ip))
        {
            return [new GatewayAddress { Type = IPAddressType, Value = config.Ip }];
        }

        if (!string.IsNullOrEmpty(config.Hostname))
        {
            return [new GatewayAddress { Type = HostnameType, Value = config.Hostname }];
        }

        if (string.IsNullOrEmpty(config.ServiceNamespace) || string.IsNullOrEmpty(config.ServiceName))
        {
            problem = "statusAddress: ip, hostname or service (name and namespace) must be defined";
            return null;
        }

        var service = PublishedService.Find(snapshot, "statusAddress.service", config.ServiceNamespace, config.ServiceName, out problem);
        return service is null ? null : [.. (service.Status?.LoadBalancer?.Ingress ?? []).Select(i =>
            !string.IsNullOrEmpty(i.Ip) ? new GatewayAddress { Type = IPAddressType, Value = i.Ip }
            : !string.IsNullOrEmpty(i.Hostname) ? new GatewayAddress { Type = HostnameType, Value = i.Hostname }
            : null).OfType<GatewayAddress>()];
    }

    /// <summary>
    /// What a Gateway's status should say given <paramref name="desired"/> and what it carries: unmanaged (null) keeps
    /// the current addresses; none wanted and none there stays absent, so an unchanged Gateway is not written again.
    /// </summary>
    public static IReadOnlyList<GatewayAddress>? For(IReadOnlyList<GatewayAddress>? desired, IReadOnlyList<GatewayAddress>? current) =>
        desired is null || (desired.Count == 0 && current is not { Count: > 0 }) ? current : desired;
}
