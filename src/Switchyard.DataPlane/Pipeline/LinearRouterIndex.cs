using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// Stand-in for Switchyard.Routing.Rules.RouterIndex until the compiled host/path index lands: tries routers
/// in table order (priority descending). Same shape, so <see cref="RouterLookup"/> switches with one line.
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

/// <summary>The one place that picks the router index implementation.</summary>
internal static class RouterLookup
{
    public static Func<IRequestFacts, Router?> Build(IEnumerable<Router> routers) => LinearRouterIndex.Build(routers).Match;
}
