using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// Reference implementation of router matching: tries routers in table order (priority descending). Kept for
/// tests that compare it with the compiled <see cref="RouterIndex"/>; the request path uses <see cref="RouterLookup"/>.
/// </summary>
public sealed class LinearRouterIndex
{
    private readonly Router[] _routers;

    private LinearRouterIndex(Router[] routers) => _routers = routers;

    public static LinearRouterIndex Build(IEnumerable<Router> routers) => new([.. routers]);

    public Router? Match(IRequestFacts request)
    {
        foreach (var router in _routers)
        {
            if (router.Matcher.Matches(request))
            {
                return router;
            }
        }

        return null;
    }
}

/// <summary>
/// The one place that picks the router index implementation: the compiled host/path index of
/// Switchyard.Routing (same answers as a linear scan in priority order, cost independent of the route count).
/// </summary>
internal static class RouterLookup
{
    public static Func<IRequestFacts, Router?> Build(IEnumerable<Router> routers) => RouterIndex.Build(routers).Match;
}
