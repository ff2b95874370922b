using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Kubernetes.Status;

/// <summary>The status one object should have, next to the status it has now.</summary>
/// <param name="Resource">Kind/namespace/name.</param>
/// <param name="ApiVersion">Which API group the object lives in (traefik.io or traefik.containo.us).</param>
/// <param name="Uid">metadata.uid (for Events' regarding reference).</param>
/// <param name="ResourceVersion">metadata.resourceVersion of the object the current status was read from.</param>
/// <param name="Conditions">Desired conditions (lastTransitionTime filled from the current ones when unchanged).</param>
/// <param name="Routers">IngressRoute: the compiled router names; null for other kinds.</param>
/// <param name="UsedBy">Referenced kinds: who uses the object; null for IngressRoutes.</param>
/// <param name="CurrentConditions">Conditions now on the object.</param>
/// <param name="CurrentList">Routers or usedBy now on the object.</param>
public sealed record DesiredStatus(
    ResourceRef Resource,
    string ApiVersion,
    string? Uid,
    string? ResourceVersion,
    IReadOnlyList<StatusCondition> Conditions,
    IReadOnlyList<string>? Routers,
    IReadOnlyList<string>? UsedBy,
    IReadOnlyList<StatusCondition>? CurrentConditions,
    IReadOnlyList<string>? CurrentList)
{
    /// <summary>Whether the object's status differs from the desired one (ignoring transition times).</summary>
    public bool NeedsWrite =>
        !Switchyard.Kubernetes.Status.Conditions.SameConditions(Conditions, CurrentConditions) ||
        !(Routers ?? UsedBy ?? []).SequenceEqual(CurrentList ?? [], StringComparer.Ordinal);

    /// <summary>The <c>status</c> object to merge-patch.</summary>
    public object StatusBody => Routers is not null
        ? new IngressRouteStatus { Conditions = Conditions, Routers = Routers }
        : new ReferencedResourceStatus { Conditions = Conditions, UsedBy = UsedBy ?? [] };
}
