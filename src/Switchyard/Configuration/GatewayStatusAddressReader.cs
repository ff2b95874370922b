using System.Net;

namespace Switchyard.Configuration;

/// <summary>
/// providers.kubernetesGateway.statusAddress, checked when the config is read (so `validate` and `run` refuse the same):
/// Traefik takes the ip, else the hostname, else the service, and fails "empty Gateway status address configuration"
/// when none is set (pkg/provider/kubernetes/gateway/kubernetes.go gatewayAddresses); here that is a config error.
/// </summary>
internal static class GatewayStatusAddressReader
{
    public static Switchyard.Kubernetes.GatewayStatusAddress? Read(KubernetesGatewayProviderConfig? gateway, string fileName)
    {
        if (gateway?.StatusAddress is not { } address)
        {
            return null;
        }

        var where = $"{fileName}: providers.kubernetesGateway.statusAddress";
        if (address.Ip.Length > 0)
        {
            // Traefik documents one IPv4 or IPv6 address; the Gateway API validates IPAddress values as such.
            return IPAddress.TryParse(address.Ip, out _) && !address.Ip.Contains('/', StringComparison.Ordinal)
                ? new(address.Ip, null, null, null)
                : throw new StaticConfigException($"{where}.ip: '{address.Ip}' is not an IPv4 or IPv6 address");
        }

        if (address.Hostname.Length > 0)
        {
            return Uri.CheckHostName(address.Hostname) == UriHostNameType.Dns
                ? new(null, address.Hostname, null, null)
                : throw new StaticConfigException($"{where}.hostname: '{address.Hostname}' is not a DNS name");
        }

        var service = address.Service;
        if (service.Name.Length == 0 || service.Namespace.Length == 0)
        {
            throw new StaticConfigException(service.Name.Length + service.Namespace.Length == 0
                ? $"{where}: ip, hostname or service (name and namespace) is required"
                : $"{where}.service: both name and namespace are required");
        }

        return new(null, null, service.Namespace, service.Name);
    }
}
