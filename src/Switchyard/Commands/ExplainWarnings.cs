using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Compiler;
using Switchyard.Routing.Table;

namespace Switchyard.Commands;

/// <summary>
/// The warnings that concern the winning router: those on its IngressRoute (and its parent's) and on the objects it
/// uses — its Middlewares, TLSOption, ServersTransports. Warnings are where Switchyard reports what Traefik only logs:
/// a lenient case applied (a CA skipped, the default certificate served, …) or a field ignored.
/// </summary>
internal static class ExplainWarnings
{
    public static void Print(CompileResult result, Router winner)
    {
        var table = result.Table;
        var ids = new HashSet<string>(winner.Middlewares, StringComparer.Ordinal);
        if (winner.Tls?.Options is { } options)
        {
            ids.Add(options);
        }

        CollectTransports(table, winner.Service, ids, []);
        var warnings = result.Diagnostics
            .Where(d => d.Severity == Severity.Warning && d.Resource is { } r
                && (r == winner.Source || r == winner.Parent?.Source || (r.Kind != "IngressRoute" && ids.Contains(Naming.ObjectId(r.Namespace, r.Name)))))
            .ToList();
        if (warnings.Count == 0)
        {
            return;
        }

        Console.WriteLine("  applied with warnings (what Traefik does, reported here):");
        foreach (var d in warnings)
        {
            Console.WriteLine($"    {d.Code} {d.Resource!.Kind} {d.Resource.Namespace}/{d.Resource.Name}{(d.Field is null ? "" : " " + d.Field)}: {d.Message}");
        }
    }

    private static void CollectTransports(RoutingTable table, string id, HashSet<string> ids, HashSet<string> seen)
    {
        if (!seen.Add(id) || !table.Services.TryGetValue(id, out var service))
        {
            return;
        }

        if (service is LoadBalancerService lb)
        {
            ids.Add(lb.ServersTransport);
        }

        foreach (var child in ServiceTree.Children(service))
        {
            CollectTransports(table, child, ids, seen);
        }
    }
}
