using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>One backend server as the balancers see it, built once per table from the table's typed fields.</summary>
/// <param name="Url">The server's name in logs, health state keys and sticky hashes: <c>scheme://host:port</c> (never parsed).</param>
/// <param name="Host">IP address or DNS name, as in the table.</param>
/// <param name="Port">TCP port.</param>
/// <param name="Scheme">How the server is spoken to.</param>
/// <param name="Prefix">The destination prefix handed to YARP (<c>http://</c> for h2c: HTTP/2 is forced by the request version).</param>
public sealed record BackendServer(string Url, string Host, int Port, ServerScheme Scheme, string Prefix, int Weight, bool Terminating);

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
/// Sends requests to servers with a service's ServersTransport (YARP's IHttpForwarder underneath). Implemented by
/// the forwarding core; asked once per LoadBalancerService when the table is built.
/// </summary>
public interface IBackendForwarder
{
    /// <summary>The forwarder of <paramref name="service"/>, with everything a call needs resolved now (table build).</summary>
    IServiceForwarder For(LoadBalancerService service);
}

/// <summary>Forwards the calls of one LoadBalancerService; held by its handler for the life of the table.</summary>
public interface IServiceForwarder
{
    /// <summary>Forward <paramref name="context"/> to <paramref name="server"/>. Writes a proxy error itself when nothing was sent back.</summary>
    ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendServer server);
}
