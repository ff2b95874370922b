using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Services;
using Switchyard.DataPlane.Tracing;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Swap;

/// <summary>Composes middleware chains: a router's in front of its service, a service node's in front of the node.</summary>
internal static class MiddlewareChain
{
    /// <summary>
    /// <paramref name="built"/> around <paramref name="terminal"/>, first id outermost; with
    /// <paramref name="detailed"/>, each in its middleware span (Traefik's observability.WrapMiddleware).
    /// </summary>
    public static RequestDelegate Compose(IRouteMiddleware[] built, ImmutableArray<string> ids, MiddlewareConfig?[] configs,
        RequestDelegate terminal, GatewayTracing? detailed)
    {
        var next = terminal;
        for (var i = built.Length - 1; i >= 0; i--)
        {
            var middleware = built[i];
            var inner = next;
            next = detailed is null
                ? ctx => middleware.InvokeAsync(ctx, inner)
                : TracedRoute.Middleware(detailed, ids[i], configs[i], middleware, inner);
        }

        return next;
    }

    /// <summary>
    /// Composes the chain of every service node with middlewares. A middleware that cannot be built leaves its node
    /// answering 503; each router whose tree reaches that node gets a diagnostic (SY501) saying which and why.
    /// </summary>
    public static void AttachToServices(RoutingTable table, IReadOnlyDictionary<string, IServiceHandler> handlers,
        MiddlewareInstances instances, GatewayTracing? tracing, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        Dictionary<string, string>? broken = null;
        foreach (var handler in handlers.Values)
        {
            if (handler is not ServiceMiddlewareHandler node)
            {
                continue;
            }

            var built = new IRouteMiddleware[node.Middlewares.Length];
            var configs = new MiddlewareConfig?[built.Length];
            string? error = null;
            for (var i = 0; i < built.Length && error is null; i++)
            {
                var (middleware, config, why) = instances.Get(node.Middlewares[i], MiddlewareInstances.ServiceOwner(node.Id));
                configs[i] = config;
                error = config is UnsupportedMiddlewareConfig unsupported
                    ? $"middleware type {unsupported.TypeName} is not supported"
                    : why;
                built[i] = middleware!;
            }

            if (error is not null)
            {
                (broken ??= new(StringComparer.Ordinal))[node.Id] = error;
                continue;
            }

            node.Attach(Compose(built, node.Middlewares, configs, node.Inner.HandleAsync, null),
                tracing is null ? null : Compose(built, node.Middlewares, configs, node.Inner.HandleAsync, tracing));
        }

        if (broken is null)
        {
            return;
        }

        foreach (var router in table.Routers)
        {
            foreach (var id in Reachable(table, router.Service))
            {
                if (broken.TryGetValue(id, out var why))
                {
                    diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.DataPlaneMiddlewareUnavailable, "ServiceMiddlewareUnavailable",
                        router.Source, $"spec.routes[{router.RouteIndex}].services",
                        $"router {router.Name}: service {id} answers 503: {why}"));
                }
            }
        }
    }

    private static IEnumerable<string> Reachable(RoutingTable table, string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([root]);
        while (stack.TryPop(out var id))
        {
            if (seen.Add(id) && table.Services.TryGetValue(id, out var config))
            {
                yield return id;
                foreach (var child in ServiceTree.Children(config))
                {
                    stack.Push(child);
                }
            }
        }
    }
}
