using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;
using Switchyard.Routing;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Which Gateway API objects get Events: the Gateways, routes and BackendTLSPolicies the compiler reported on (ours;
/// another controller's objects are left alone). A GatewayClass has no findings (ours is Accepted, others are not
/// read), so it gets none.
/// </summary>
internal static class GatewayApiEvents
{
    public static bool IsEventKind(string kind) =>
        kind is GatewayApiKinds.Gateway or GatewayApiKinds.HttpRoute or GatewayApiKinds.GrpcRoute or GatewayApiKinds.BackendTlsPolicy;

    public static IEnumerable<EventSubject> Subjects(ClusterSnapshot snapshot, GatewayApiReport report)
    {
        foreach (var gateway in report.Gateways)
        {
            yield return Subject(snapshot.Gateways, gateway.Gateway, "The Gateway's listeners are all served");
        }

        foreach (var route in report.Routes)
        {
            yield return route.Route.Kind == GatewayApiKinds.GrpcRoute
                ? Subject(snapshot.GrpcRoutes, route.Route, "The GRPCRoute is served without errors")
                : Subject(snapshot.HttpRoutes, route.Route, "The HTTPRoute is served without errors");
        }

        foreach (var policy in report.Policies)
        {
            yield return Subject(snapshot.BackendTlsPolicies, policy.Policy, "The BackendTLSPolicy is applied");
        }
    }

    private static EventSubject Subject<T>(IEnumerable<T> objects, ResourceRef reference, string healed) where T : ITraefikObject
    {
        var found = objects.FirstOrDefault(o => o.Metadata.Name == reference.Name && (o.Metadata.NamespaceProperty ?? ResourceRefs.DefaultNamespace) == reference.Namespace);
        return new EventSubject(reference, found?.ApiVersion ?? GatewayApiKinds.V1, found?.Metadata.Uid, healed);
    }
}
