using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Balancers;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Middlewares.Errors;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// Builds the <see cref="IServiceHandler"/> of every service node of a table, once per swap: load balancers
/// over their servers (with health state from the swap state), weighted, mirroring and failover nodes over
/// their children, error nodes. A reference to a missing service, or a cycle, becomes an UNAVAILABLE answer
/// on the node that has it (logged) — the rest of the table is unaffected.
/// </summary>
public static class ServiceTreeBuilder
{
    /// <param name="services">Application services: ILoggerFactory, TimeProvider and ServerHealthEvents are used when
    /// registered (see <see cref="HealthServiceCollectionExtensions.AddSwitchyardHealthEvents"/>).</param>
    public static IReadOnlyDictionary<string, IServiceHandler> Build(
        RoutingTable table, IBackendForwarder forwarder, ISwapState state, IServiceProvider services)
    {
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var events = services.GetService<ServerHealthEvents>()
            ?? new ServerHealthEvents(loggers.CreateLogger<ServerHealthEvents>(), time);
        var builder = new TreeBuilder(table, forwarder, new HealthStateSource(state, events, loggers, time), services, loggers);
        foreach (var id in table.Services.Keys)
        {
            builder.Get(id);
        }

        if (table.Routers.Any(r => r.Service == Api.ApiHandler.ServiceName))
        {
            builder.Get(Api.ApiHandler.ServiceName);
        }

        return builder.Handlers;
    }

    private sealed class TreeBuilder(
        RoutingTable table, IBackendForwarder forwarder, HealthStateSource health, IServiceProvider services, ILoggerFactory loggers)
    {
        private readonly HashSet<string> _building = new(StringComparer.Ordinal);
        private readonly ILogger _logger = loggers.CreateLogger("Switchyard.DataPlane.Services");

        public Dictionary<string, IServiceHandler> Handlers { get; } = new(StringComparer.Ordinal);

        /// <summary>The handler of <paramref name="id"/>, building it (and its children first) on first use.</summary>
        public IServiceHandler Get(string id)
        {
            if (Handlers.TryGetValue(id, out var built))
            {
                return built;
            }

            if (!table.Services.TryGetValue(id, out var config) && id == Api.ApiHandler.ServiceName)
            {
                return Handlers[id] = services.GetService<Api.ApiHandler>() is { } api
                    ? new Api.ApiServiceHandler(api)
                    : new ErrorServiceHandler(404, "api@internal: the API is off (no api in the static config)");
            }

            if (config is null)
            {
                ServiceTreeLog.MissingService(_logger, id);
                return new ErrorServiceHandler(503, $"service {id} does not exist");
            }

            if (!_building.Add(id))
            {
                ServiceTreeLog.Cycle(_logger, id);
                return new ErrorServiceHandler(503, $"service {id} references itself");
            }

            var handler = Create(id, config);
            if (!config.Middlewares.IsDefaultOrEmpty)
            {
                // Its chain is composed by the table builder once every handler exists (MiddlewareChain).
                handler = new ServiceMiddlewareHandler(id, config.Middlewares, handler);
            }

            _building.Remove(id);
            Handlers[id] = handler;
            return handler;
        }

        private IServiceHandler Create(string id, ServiceConfig config) => config switch
        {
            LoadBalancerService lb => LoadBalancer(id, lb),
            WeightedService w => Weighted(id, w),
            HighestRandomWeightService h => HighestRandomWeight(id, h),
            MirroringService m => Mirroring(id, m),
            FailoverService f => Failover(id, f),
            ErrorService e => new ErrorServiceHandler(e.StatusCode, e.Reason, e.Available),
            _ => new ErrorServiceHandler(503, $"service {id}: type {config.GetType().Name} is not supported"),
        };

        private LoadBalancerHandler LoadBalancer(string id, LoadBalancerService lb)
        {
            var transport = BackendTransports.Resolve(table, lb.ServersTransport);
            var servers = new BalancedServer[lb.Servers.IsDefault ? 0 : lb.Servers.Length];
            for (var i = 0; i < servers.Length; i++)
            {
                var server = BackendServers.From(lb.Servers[i], lb.Scheme);
                servers[i] = new BalancedServer(
                    server,
                    health.Active(id, server, lb.HealthCheck, lb.ServersTransport, transport),
                    health.Passive(id, server.Url, lb.PassiveHealthCheck));
            }

            return new LoadBalancerHandler(id, lb, servers, forwarder, health.Time);
        }

        private WeightedHandler Weighted(string id, WeightedService w)
        {
            var (children, ids, weights) = Children(w.Services);
            return new WeightedHandler(id, children, ids, weights, w.Sticky);
        }

        private HighestRandomWeightHandler HighestRandomWeight(string id, HighestRandomWeightService h)
        {
            var (children, ids, weights) = Children(h.Services);
            return new HighestRandomWeightHandler(id, children, ids, weights);
        }

        /// <summary>The handlers, ids and weights of weighted children (weighted, highestRandomWeight).</summary>
        private (IServiceHandler[] Children, string[] Ids, int[] Weights) Children(System.Collections.Immutable.ImmutableArray<WeightedChild> services)
        {
            var n = services.IsDefault ? 0 : services.Length;
            var children = new IServiceHandler[n];
            var ids = new string[n];
            var weights = new int[n];
            for (var i = 0; i < n; i++)
            {
                ids[i] = services[i].Service;
                weights[i] = services[i].Weight;
                children[i] = Get(ids[i]);
            }

            return (children, ids, weights);
        }

        private IServiceHandler Failover(string id, FailoverService f)
        {
            var main = Get(f.Service);
            var fallback = Get(f.Fallback);
            if (f.Errors is not { } errors)
            {
                return new FailoverHandler(main, fallback);
            }

            try
            {
                return new FailoverHandler(main, fallback, StatusRanges.Parse(errors.Status, "failover: errors.status"), errors.MaxRequestBodyBytes);
            }
            catch (ArgumentException ex)
            {
                // The compiler refuses such a table; a hand-built one degrades this node only.
                return new ErrorServiceHandler(503, $"service {id}: {ex.Message}");
            }
        }

        private MirroringHandler Mirroring(string id, MirroringService m)
        {
            var n = m.Mirrors.IsDefault ? 0 : m.Mirrors.Length;
            var mirrors = new IServiceHandler[n];
            var percents = new int[n];
            for (var i = 0; i < n; i++)
            {
                mirrors[i] = Get(m.Mirrors[i].Service);
                percents[i] = m.Mirrors[i].Percent;
            }

            return new MirroringHandler(id, Get(m.Service), mirrors, percents, m.MirrorBody, m.MaxBodySize, services, _logger);
        }
    }
}
