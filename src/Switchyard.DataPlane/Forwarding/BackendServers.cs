using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>Builds <see cref="BackendServer"/>s from the table (once per swap, never per request).</summary>
public static class BackendServers
{
    /// <summary>The server as balancers use it, spoken to with its service's <paramref name="scheme"/>.</summary>
    public static BackendServer From(ServerConfig server, ServerScheme scheme)
    {
        var authority = server.Authority;
        var prefix = (scheme == ServerScheme.Https ? "https://" : "http://") + authority;
        return new BackendServer(SchemeName(scheme) + "://" + authority, server.Host, server.Port, scheme, prefix, server.Weight, server.Terminating);
    }

    /// <summary>The scheme as Traefik writes it: http, https or h2c.</summary>
    public static string SchemeName(ServerScheme scheme) => scheme switch
    {
        ServerScheme.Https => "https",
        ServerScheme.H2c => "h2c",
        _ => "http",
    };
}
