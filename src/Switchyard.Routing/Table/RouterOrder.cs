namespace Switchyard.Routing.Table;

/// <summary>
/// The order routers are tried in, as Traefik's muxers do: priority, highest first; ties by name. A child of a
/// multi-layer route (<see cref="Router.Parent"/>) competes with its parent's priority and sits right before its
/// parent's own router (the "no child matched" answer), ordered among its siblings by its own priority — so the
/// first router that matches is the one Traefik's parent muxer then child muxer would pick.
/// </summary>
public static class RouterOrder
{
    public static int Compare(Router? a, Router? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? 1 : -1;
        }

        if (a.Priority != b.Priority)
        {
            return b.Priority.CompareTo(a.Priority);
        }

        var group = string.CompareOrdinal(a.Parent?.Router ?? a.Name, b.Parent?.Router ?? b.Name);
        if (group != 0)
        {
            return group;
        }

        // Same parent: its children by their own priority, the parent's own router last.
        var ka = a.Parent?.ChildPriority ?? long.MinValue;
        var kb = b.Parent?.ChildPriority ?? long.MinValue;
        return ka != kb ? kb.CompareTo(ka) : string.CompareOrdinal(a.Name, b.Name);
    }
}
