using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Services;

/// <summary>Turns table servers into <see cref="BackendServer"/>s (the destination is what HttpClient understands).</summary>
public static class BackendServers
{
    public static BackendServer From(ServerConfig server)
    {
        // h2c is HTTP/2 over cleartext: http:// on the wire; the forwarder picks prior-knowledge HTTP/2 from the service scheme.
        var destination = server.Url.StartsWith("h2c://", StringComparison.OrdinalIgnoreCase)
            ? new Uri("http://" + server.Url["h2c://".Length..])
            : new Uri(server.Url);
        return new BackendServer(server.Url, destination, server.Weight, server.Terminating);
    }
}
