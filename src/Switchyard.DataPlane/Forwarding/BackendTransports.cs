using System.Security.Cryptography;
using System.Text;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Hands out the HttpMessageInvoker (connection pool) for a ServersTransport + scheme. Invokers live in the
/// swap state under a key that includes a fingerprint of the transport's config: an unchanged transport keeps
/// its warm HTTP/2 connections across swaps; a changed one gets a fresh pool and the old one is disposed after
/// the calls that use it drain.
/// </summary>
public static class BackendTransports
{
    /// <summary>The swap-state key of a transport's pool.</summary>
    public static string Key(string transportId, ServersTransportConfig config, string scheme) =>
        $"transport/{transportId}/{NormalizeScheme(scheme)}/{Fingerprint(config)}";

    /// <summary>Get (or create) the invoker for the transport and scheme.</summary>
    public static HttpMessageInvoker GetInvoker(ISwapState state, string transportId, ServersTransportConfig config, string scheme)
    {
        var h2c = NormalizeScheme(scheme) == "h2c";
        return state.GetOrAdd(Key(transportId, config, scheme),
            () => new HttpMessageInvoker(ServersTransportHandlerFactory.Create(config, h2c), disposeHandler: true));
    }

    /// <summary>Resolve a transport id of a table, falling back to "default" and then to Traefik's defaults.</summary>
    public static ServersTransportConfig Resolve(RoutingTable table, string transportId) =>
        table.ServersTransports.TryGetValue(transportId, out var config) ? config
        : table.ServersTransports.TryGetValue("default", out var fallback) ? fallback
        : ServersTransportConfig.Default;

    private static string NormalizeScheme(string scheme) => scheme.ToLowerInvariant() switch
    {
        "h2c" => "h2c",
        "https" => "https",
        _ => "http",
    };

    /// <summary>A stable hash over every field that changes how connections are made (PEM material included).</summary>
    public static string Fingerprint(ServersTransportConfig config)
    {
        var sb = new StringBuilder();
        sb.Append(config.ServerName).Append('|').Append(config.InsecureSkipVerify).Append('|')
          .Append(config.MaxIdleConnsPerHost).Append('|').Append(config.DisableHttp2).Append('|')
          .Append(config.PeerCertUri).Append('|')
          .Append(config.Timeouts.DialTimeout.Ticks).Append(',').Append(config.Timeouts.ResponseHeaderTimeout.Ticks).Append(',')
          .Append(config.Timeouts.IdleConnTimeout.Ticks).Append(',').Append(config.Timeouts.ReadIdleTimeout.Ticks).Append(',')
          .Append(config.Timeouts.PingTimeout.Ticks).Append('|');
        foreach (var ca in config.RootCas)
        {
            sb.Append("ca:").Append(ca.CertificatePem).Append('|');
        }

        foreach (var cert in config.ClientCertificates)
        {
            sb.Append("cert:").Append(cert.CertificatePem).Append(cert.KeyPem).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }
}
