using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares;

/// <summary>
/// Finds the factory of each table middleware record. A factory registers itself by existing: every public concrete
/// <see cref="IMiddlewareFactory"/> of this assembly is picked up, keyed by its config type, so adding a middleware
/// needs no list here (MiddlewareListsAgreeTests checks that every type of the compiler's MiddlewareCatalogue has
/// one). A config type with no factory is reported by the caller as a diagnostic on the routers that use it —
/// never passed through silently.
/// </summary>
public static class MiddlewareRegistry
{
    // Exported types only: GetTypes() also loads every private nested type (async state machines, closures), and
    // laying those out loaded the assemblies of their struct fields (StackExchange.Redis) into every process.
    private static readonly Dictionary<Type, IMiddlewareFactory> Factories = typeof(MiddlewareRegistry).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMiddlewareFactory).IsAssignableFrom(t))
        .Select(t => (IMiddlewareFactory)Activator.CreateInstance(t)!)
        .ToDictionary(f => f.ConfigType);

    /// <summary>The config types that have a factory.</summary>
    public static IEnumerable<Type> ConfigTypes => Factories.Keys;

    /// <summary>
    /// True for the types whose instance holds state. Traefik builds every middleware once per router
    /// (pkg/server/middleware/middlewares.go: each router's chain is built anew), so two routers naming the same
    /// rateLimit get separate buckets, inFlightReq separate counters, circuitBreaker separate breakers, digestAuth
    /// separate nonces. The table builder builds these per router, keyed (router, middleware) in the swap state so
    /// their state survives table swaps; stateless ones are shared (nobody can tell the difference).
    /// </summary>
    public static bool IsPerRouter(MiddlewareConfig config) =>
        config is CircuitBreakerConfig or RateLimitConfig or InFlightReqConfig or DigestAuthConfig;

    /// <summary>Build the middleware, or say why it cannot be built.</summary>
    public static bool TryCreate(string id, MiddlewareConfig config, MiddlewareBuildContext context, out IRouteMiddleware? middleware, out string? error)
    {
        if (config is UnsupportedMiddlewareConfig unsupported)
        {
            middleware = null;
            error = $"middleware {id}: type '{unsupported.TypeName}' is not supported";
            return false;
        }

        if (!Factories.TryGetValue(config.GetType(), out var factory))
        {
            middleware = null;
            error = $"middleware {id}: type '{config.GetType().Name}' is not implemented yet";
            return false;
        }

        try
        {
            middleware = factory.Create(id, config, context);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            middleware = null;
            error = $"middleware {id}: {ex.Message}";
            return false;
        }
    }
}
