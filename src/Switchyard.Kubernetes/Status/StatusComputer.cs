using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Pure: snapshot + compile result → the status every Traefik object should carry. IngressRoutes, IngressRouteTCPs
/// and IngressRouteUDPs get Accepted, ResolvedRefs and Ready plus their router names; Middlewares,
/// ServersTransports, TraefikServices, TLSOptions, TLSStores, MiddlewareTCPs and ServersTransportTCPs get Accepted
/// plus the route objects that use them. Messages come from the diagnostics, so
/// status, Events, logs and `switchyard validate` say the same thing.
/// </summary>
public static class StatusComputer
{
    public static IReadOnlyList<DesiredStatus> Compute(ClusterSnapshot snapshot, CompileResult result, DateTimeOffset now)
    {
        var byResource = result.Diagnostics.Concat(snapshot.LoadDiagnostics)
            .Where(d => d.Resource is not null && d.Severity == Severity.Error)
            .GroupBy(d => d.Resource!)
            .ToDictionary(g => g.Key, g => g.ToList());
        // Warnings are the differences Switchyard reports where Traefik only logs (a lenient case applied, a field
        // ignored): the object stays Accepted, and the condition's message says what was applied.
        var warningsByResource = result.Diagnostics.Concat(snapshot.LoadDiagnostics)
            .Where(d => d.Resource is not null && d.Severity == Severity.Warning)
            .GroupBy(d => d.Resource!)
            .ToDictionary(g => g.Key, g => g.ToList());
        var routersBySource = result.Table.Routers.Select(r => (r.Source, r.Name))
            .Concat(result.Table.Tcp.Routers.Select(r => (r.Source, r.Name)))
            .Concat(result.Table.Udp.Routers.Select(r => (r.Source, r.Name)))
            .GroupBy(r => r.Source)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Name).Order(StringComparer.Ordinal).ToList());
        var usage = Usage.Of(snapshot);
        var list = new List<DesiredStatus>();
        var problems = new Problems(byResource, warningsByResource);

        foreach (var route in snapshot.IngressRoutes)
        {
            list.Add(RouteStatus(route, route.Spec.Routes.Count, route.Status, problems, routersBySource, now));
        }

        foreach (var route in snapshot.IngressRouteTcps)
        {
            list.Add(RouteStatus(route, route.Spec.Routes.Count, route.Status, problems, routersBySource, now));
        }

        foreach (var route in snapshot.IngressRouteUdps)
        {
            list.Add(RouteStatus(route, route.Spec.Routes.Count, route.Status, problems, routersBySource, now));
        }

        Referenced(snapshot.Middlewares, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.ServersTransports, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.TraefikServices, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.TlsOptions, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.TlsStores, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.MiddlewareTcps, byResource, warningsByResource, usage, now, list);
        Referenced(snapshot.ServersTransportTcps, byResource, warningsByResource, usage, now, list);
        return list;
    }

    /// <summary>
    /// Accepted, ResolvedRefs and Ready of a route object (IngressRoute, IngressRouteTCP, IngressRouteUDP) and the
    /// routers it produced: Ready when every route is served and nothing is in error.
    /// </summary>
    private static DesiredStatus RouteStatus(ITraefikObject route, int routeCount, IngressRouteStatus? current, Problems problems,
        Dictionary<ResourceRef, List<string>> routersBySource, DateTimeOffset now)
    {
        var rr = ResourceRefs.Of(route);
        var errors = problems.Errors.GetValueOrDefault(rr) ?? [];
        var routers = routersBySource.GetValueOrDefault(rr) ?? [];
        var gen = route.Metadata.Generation;
        var refErrors = errors.Where(Conditions.IsReferenceProblem).ToList();
        var ownErrors = errors.Where(d => !Conditions.IsReferenceProblem(d)).ToList();
        // A route object may yield more routers than routes (one per entry point with defaults, one per parent): count routes.
        var served = Math.Min(routers.Count, routeCount);
        StatusCondition[] conditions =
        [
            Condition(Conditions.Accepted, ownErrors, Conditions.ReasonAccepted, $"The {rr.Kind} is valid", gen, problems.Warnings.GetValueOrDefault(rr)),
            Condition(Conditions.ResolvedRefs, refErrors, Conditions.ReasonResolvedRefs, "All references resolve", gen),
            served >= routeCount && errors.Count == 0
                ? new StatusCondition { Type = Conditions.Ready, Status = "True", Reason = Conditions.ReasonReady, Message = $"{served} of {routeCount} routes are served", ObservedGeneration = gen }
                : new StatusCondition { Type = Conditions.Ready, Status = "False", Reason = Conditions.ReasonRoutesNotServed, Message = $"{served} of {routeCount} routes are served", ObservedGeneration = gen },
        ];
        return new DesiredStatus(rr, route.ApiVersion, route.Metadata.Uid, route.Metadata.ResourceVersion,
            [.. conditions.Select(c => Conditions.WithTransitionTime(c, current?.Conditions, now))],
            routers, null, current?.Conditions, current?.Routers);
    }

    private sealed record Problems(Dictionary<ResourceRef, List<Diagnostic>> Errors, Dictionary<ResourceRef, List<Diagnostic>> Warnings);

    private static void Referenced<T>(IEnumerable<T> objects, Dictionary<ResourceRef, List<Diagnostic>> byResource,
        Dictionary<ResourceRef, List<Diagnostic>> warningsByResource, Usage usage, DateTimeOffset now, List<DesiredStatus> list)
        where T : ITraefikObject
    {
        foreach (var obj in objects)
        {
            var rr = ResourceRefs.Of(obj);
            var errors = byResource.GetValueOrDefault(rr) ?? [];
            var status = obj switch
            {
                Middleware m => m.Status,
                ServersTransport s => s.Status,
                TraefikService t => t.Status,
                TlsOption o => o.Status,
                TlsStore s => s.Status,
                MiddlewareTcp m => m.Status,
                ServersTransportTcp s => s.Status,
                _ => null,
            };
            var accepted = Condition(Conditions.Accepted, errors, Conditions.ReasonAccepted, $"The {rr.Kind} is valid", obj.Metadata.Generation,
                warningsByResource.GetValueOrDefault(rr));
            list.Add(new DesiredStatus(rr, obj.ApiVersion, obj.Metadata.Uid, obj.Metadata.ResourceVersion,
                [Conditions.WithTransitionTime(accepted, status?.Conditions, now)],
                null, usage.UsersOf(rr), status?.Conditions, status?.UsedBy));
        }
    }

    private static StatusCondition Condition(string type, List<Diagnostic> errors, string okReason, string okMessage, long? generation,
        List<Diagnostic>? warnings = null) =>
        errors.Count == 0
            ? new StatusCondition
            {
                Type = type,
                Status = "True",
                Reason = warnings is { Count: > 0 } ? Conditions.ReasonAcceptedWithWarnings : okReason,
                Message = warnings is { Count: > 0 } ? okMessage + "; warnings: " + Describe(warnings) : okMessage,
                ObservedGeneration = generation,
            }
            : new StatusCondition
            {
                Type = type,
                Status = "False",
                Reason = errors[0].Reason,
                Message = Describe(errors),
                ObservedGeneration = generation,
            };

    private static string Describe(List<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => d.Field is null ? d.Message : $"{d.Field}: {d.Message}"));
}
