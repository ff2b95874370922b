using Switchyard.DataPlane.Services;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>Builds <see cref="BackendServer"/>s from the table (once per swap, never per request).</summary>
public static class BackendServers
{
    /// <summary>The server as balancers use it: h2c URLs are sent to http:// (HTTP/2 is forced by the request version).</summary>
    public static BackendServer From(ServerConfig server)
    {
        var url = server.Url;
        var destination = url.StartsWith("h2c://", StringComparison.OrdinalIgnoreCase) ? "http://" + url[6..] : url;
        return new BackendServer(url, new Uri(destination.TrimEnd('/'), UriKind.Absolute), server.Weight, server.Terminating);
    }

    /// <summary>The destination prefix handed to YARP (no trailing slash; the request path is appended).</summary>
    public static string Prefix(BackendServer server) => server.Destination.OriginalString;
}
