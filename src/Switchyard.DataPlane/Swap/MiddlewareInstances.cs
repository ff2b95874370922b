using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Swap;

/// <summary>
/// The middleware instances of one table build, shared by the routers' chains and the service nodes' chains.
/// Stateless middlewares are built once per table and shared; stateful ones (rateLimit, inFlightReq,
/// circuitBreaker, digestAuth) once per owner — a router, or a service node for service middlewares — as in
/// Traefik, which builds each router's chain and each service's chain anew, with an id of their own.
/// </summary>
internal sealed class MiddlewareInstances(RoutingTable table, MiddlewareBuildContext context)
{
    private readonly Dictionary<string, (IRouteMiddleware? Middleware, string? Error)> _built = new(StringComparer.Ordinal);

    /// <summary>The instance of middleware <paramref name="id"/> for <paramref name="owner"/>, or why there is none.</summary>
    /// <param name="owner">A router name, or <see cref="ServiceOwner"/> of a service id.</param>
    public (IRouteMiddleware? Middleware, MiddlewareConfig? Config, string? Error) Get(string id, string owner)
    {
        table.Middlewares.TryGetValue(id, out var config);
        var instanceId = config is not null && MiddlewareRegistry.IsPerRouter(config) ? id + "@" + owner : id;
        if (!_built.TryGetValue(instanceId, out var entry))
        {
            entry = config is null
                ? (null, $"middleware {id}: not found in the table")
                : MiddlewareRegistry.TryCreate(instanceId, config, context, out var mw, out var error) ? (mw, null) : (null, error);
            _built[instanceId] = entry;
        }

        return (entry.Middleware, config, entry.Error);
    }

    /// <summary>The owner name of a service node's middlewares (no router name starts with "service@").</summary>
    public static string ServiceOwner(string serviceId) => "service@" + serviceId;
}
