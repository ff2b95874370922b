using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// Builds the <see cref="IServiceHandler"/> of every service node of a table, once per swap.
/// (Initial version: round robin over non-terminating servers; the balancing work replaces the inside.)
/// </summary>
public static class ServiceTreeBuilder
{
    public static IReadOnlyDictionary<string, IServiceHandler> Build(
        RoutingTable table, IBackendForwarder forwarder, ISwapState state, IServiceProvider services)
    {
        var handlers = new Dictionary<string, IServiceHandler>(StringComparer.Ordinal);
        foreach (var (id, config) in table.Services)
        {
            if (config is LoadBalancerService lb)
            {
                handlers[id] = new SimpleRoundRobin(lb, forwarder);
            }
        }

        return handlers;
    }

    private sealed class SimpleRoundRobin(LoadBalancerService service, IBackendForwarder forwarder) : IServiceHandler
    {
        private readonly BackendServer[] _servers = service.Servers.Where(s => !s.Terminating)
            .Select(s => new BackendServer(s.Url, new Uri(s.Url.Replace("h2c://", "http://", StringComparison.Ordinal)), s.Weight, s.Terminating))
            .ToArray();

        private int _next;

        public bool IsAvailable => _servers.Length > 0;

        public Task HandleAsync(HttpContext context)
        {
            if (_servers.Length == 0)
            {
                return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, "no available server");
            }

            var s = _servers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_servers.Length)];
            return forwarder.ForwardAsync(context, s, service).AsTask();
        }
    }
}
