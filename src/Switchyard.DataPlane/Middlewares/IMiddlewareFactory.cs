using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares;

/// <summary>Builds the middleware for one <see cref="MiddlewareConfig"/> subtype. Registered in one place (MiddlewareRegistry).</summary>
public interface IMiddlewareFactory
{
    /// <summary>The config record type this factory understands.</summary>
    Type ConfigType { get; }

    /// <summary>Build the instance for this table. Use <see cref="MiddlewareBuildContext.State"/> for state that must survive swaps.</summary>
    IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context);
}

/// <summary>What a factory may use while a table is being built.</summary>
/// <param name="Services">Application services (logging, time provider, ...).</param>
/// <param name="State">Swap-surviving state, keyed by config.</param>
/// <param name="Table">The table being built (for middlewares that reference services, e.g. errors).</param>
public sealed record MiddlewareBuildContext(IServiceProvider Services, ISwapState State, RoutingTable Table)
{
    /// <summary>The table's compiled services by id (the errors middleware asks one for its page); null outside a table build.</summary>
    public IReadOnlyDictionary<string, Services.IServiceHandler>? ServiceHandlers { get; init; }
}
