using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.DataPlane.Services;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>
/// Stand-in for the core's YarpBackendForwarder until it lands on main: YARP's real IHttpForwarder with a
/// SocketsHttpHandler per ServersTransport + scheme, reporting ForwardOutcome the same way (connect failure,
/// 5xx or grpc-status 14 ⇒ ServerError).
/// </summary>
internal sealed class InterimForwarder(IHttpForwarder forwarder, RoutingTable table) : IBackendForwarder, IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new();

    public async ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendServer server, LoadBalancerService service)
    {
        var h2c = service.Scheme == "h2c";
        var invoker = _invokers.GetOrAdd(service.ServersTransport + "|" + service.Scheme, _ =>
        {
            var transport = table.ServersTransports.TryGetValue(service.ServersTransport, out var t) ? t : ServersTransportConfig.Default;
            var handler = HealthCheckTransport.Create(transport, h2c);
            handler.EnableMultipleHttp2Connections = true;
            return new HttpMessageInvoker(handler);
        });
        var config = new ForwarderRequestConfig
        {
            Version = HttpVersion.Version20,
            VersionPolicy = h2c ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        };
        var error = await forwarder.SendAsync(context, server.Destination.GetLeftPart(UriPartial.Authority), invoker, config, HttpTransformer.Default);
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled)
        {
            return ForwardOutcome.Cancelled;
        }

        if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.NoAvailableDestinations)
        {
            return ForwardOutcome.ConnectFailure;
        }

        if (context.Response.StatusCode >= 500 || IsUnavailable(context.Response.Headers["grpc-status"])
            || IsUnavailable(context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers?["grpc-status"] ?? default))
        {
            return ForwardOutcome.ServerError;
        }

        return error == ForwarderError.None ? ForwardOutcome.Success : ForwardOutcome.ConnectFailure;
    }

    private static bool IsUnavailable(Microsoft.Extensions.Primitives.StringValues status) => status.Count == 1 && status[0] == "14";

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }
}
