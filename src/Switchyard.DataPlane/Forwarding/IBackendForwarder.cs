using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>One backend server as the balancers see it.</summary>
/// <param name="Url">The server URL from the table (scheme http, https or h2c).</param>
/// <param name="Destination">The URL requests are sent to (h2c mapped to http).</param>
public sealed record BackendServer(string Url, Uri Destination, int Weight, bool Terminating);

/// <summary>What happened to one forwarded call, for passive health and the balancers' bookkeeping.</summary>
public enum ForwardOutcome
{
    /// <summary>The backend answered (any HTTP status; inspect the response for 5xx / grpc-status).</summary>
    Success,
    /// <summary>Could not connect, or the connection failed before a response.</summary>
    ConnectFailure,
    /// <summary>The backend answered 5xx or grpc-status UNAVAILABLE.</summary>
    ServerError,
    /// <summary>The client went away or a deadline passed.</summary>
    Cancelled,
    /// <summary>The caller's request was malformed (answered 400 / INTERNAL): counts for no server's health.</summary>
    ClientError,
}

/// <summary>
/// Sends one request to one server with the service's ServersTransport (YARP's IHttpForwarder underneath).
/// Implemented by the forwarding core; used by the load balancers.
/// </summary>
public interface IBackendForwarder
{
    /// <summary>Forward <paramref name="context"/> to <paramref name="server"/>. Writes a proxy error itself when nothing was sent back.</summary>
    ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendServer server, LoadBalancerService service);
}
