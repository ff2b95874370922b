using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Routing;
using Switchyard.Routing.Table;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Writes the Gateway API status the compiler derived (<see cref="CompileResult.GatewayApi"/>): GatewayClass, Gateway
/// and route status by merge patch to <c>/status</c>, only when it differs from what the object carries (conditions
/// compared without lastTransitionTime, which is kept while a condition's status stays). A route's parents[] entries
/// of other controllers are kept as they are: only ours are replaced. Every finding on a Gateway, route or BackendTLSPolicy
/// of ours is also an Event (<see cref="FindingsEvents"/>). A Gateway's <c>addresses</c> come from <c>statusAddress</c>
/// (<see cref="GatewayStatusAddresses"/>), recomputed from every snapshot, so a change of the published Service's
/// load-balancer status reaches the Gateways. Called by <see cref="StatusWriter"/> (leader only).
/// </summary>
internal sealed class GatewayApiStatusWriter(IKubernetes client, EventRecorder events, ILogger logger, GatewayStatusAddress? statusAddress = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private string? _addressProblem;

    public long Patches { get; private set; }

    private readonly FindingsEvents _events = new(events, logger);

    /// <summary>Events about Gateway API objects created so far.</summary>
    public long Events => _events.Count;

    public async Task<bool> ReconcileAsync(ClusterSnapshot snapshot, CompileResult result, Func<bool> isLeader, CancellationToken ct)
    {
        var report = result.GatewayApi;
        var now = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var ok = true;
        var addresses = GatewayStatusAddresses.Desired(snapshot, statusAddress, out var addressProblem);
        if (addressProblem != _addressProblem)
        {
            _addressProblem = addressProblem;
            if (addressProblem is not null)
            {
                GatewayStatusLog.AddressUnusable(logger, addressProblem);
            }
        }

        foreach (var item in report.Classes)
        {
            var current = snapshot.GatewayClasses.FirstOrDefault(c => c.Metadata.Name == item.Name);
            if (current is null)
            {
                continue;
            }

            var desired = item.Status with
            {
                Conditions = Timed(item.Status.Conditions, current.Status?.Conditions, now),
                SupportedFeatures = current.Status?.SupportedFeatures,
            };
            ok &= await PatchAsync("gatewayclasses", null, item.Name, desired, current.Status, isLeader, ct);
        }

        foreach (var item in report.Gateways)
        {
            var current = snapshot.Gateways.FirstOrDefault(g => Is(g, item.Gateway));
            if (current is null)
            {
                continue;
            }

            var desired = item.Status with
            {
                Addresses = GatewayStatusAddresses.For(addresses, current.Status?.Addresses),
                Conditions = Timed(item.Status.Conditions, current.Status?.Conditions, now),
                Listeners = [.. (item.Status.Listeners ?? []).Select(l => l with
                {
                    Conditions = Timed(l.Conditions, current.Status?.Listeners?.FirstOrDefault(c => c.Name == l.Name)?.Conditions, now),
                })],
            };
            ok &= await PatchAsync("gateways", item.Gateway.Namespace, item.Gateway.Name, desired, current.Status, isLeader, ct);
        }

        foreach (var item in report.Routes)
        {
            var (plural, status) = item.Route.Kind == GatewayApiKinds.GrpcRoute
                ? ("grpcroutes", snapshot.GrpcRoutes.FirstOrDefault(r => Is(r, item.Route))?.Status)
                : ("httproutes", snapshot.HttpRoutes.FirstOrDefault(r => Is(r, item.Route))?.Status);
            var ours = item.Status.Parents ?? [];
            var controller = ours.Count > 0 ? ours[0].ControllerName : "";
            var others = (status?.Parents ?? []).Where(p => p.ControllerName != controller);
            var desired = new RouteStatus
            {
                Parents = [.. others, .. ours.Select(p => p with
                {
                    Conditions = Timed(p.Conditions, status?.Parents?.FirstOrDefault(c => c.ControllerName == controller && SameRef(c.ParentRef, p.ParentRef))?.Conditions, now),
                })],
            };
            ok &= await PatchAsync(plural, item.Route.Namespace, item.Route.Name, desired, status, isLeader, ct);
        }

        ok &= await ReconcilePoliciesAsync(snapshot, report, now, isLeader, ct);
        ok &= await _events.RecordAsync(GatewayApiEvents.Subjects(snapshot, report),
            FindingsEvents.ByResource(result.Diagnostics.Concat(snapshot.LoadDiagnostics), GatewayApiEvents.IsEventKind), isLeader, ct);
        return ok;
    }

    /// <summary>
    /// BackendTLSPolicy ancestors: ours replaced by the report's, other controllers' kept; a policy no route of ours
    /// uses any more loses our entries.
    /// </summary>
    private async Task<bool> ReconcilePoliciesAsync(ClusterSnapshot snapshot, GatewayApiReport report, DateTimeOffset now, Func<bool> isLeader, CancellationToken ct)
    {
        var ok = true;
        var controller = report.ControllerName;
        foreach (var policy in snapshot.BackendTlsPolicies)
        {
            var reference = new ResourceRef(GatewayApiKinds.BackendTlsPolicy, policy.Metadata.NamespaceProperty ?? ResourceRefs.DefaultNamespace, policy.Metadata.Name ?? "");
            var ours = report.Policies.FirstOrDefault(p => p.Policy == reference)?.Status.Ancestors ?? [];
            var current = policy.Status?.Ancestors ?? [];
            if (ours.Count == 0 && current.All(a => a.ControllerName != controller))
            {
                continue;
            }

            var desired = new PolicyStatus
            {
                Ancestors = [.. current.Where(a => a.ControllerName != controller), .. ours.Select(a => a with
                {
                    Conditions = Timed(a.Conditions, current.FirstOrDefault(c => c.ControllerName == controller && SameRef(c.AncestorRef, a.AncestorRef))?.Conditions, now),
                })],
            };
            ok &= await PatchAsync("backendtlspolicies", reference.Namespace, reference.Name, desired, policy.Status, isLeader, ct);
        }

        return ok;
    }

    private static bool Is(Switchyard.Model.Traefik.ITraefikObject obj, ResourceRef r) =>
        obj.Metadata.Name == r.Name && (obj.Metadata.NamespaceProperty ?? ResourceRefs.DefaultNamespace) == r.Namespace;

    private static bool SameRef(ParentReference a, ParentReference b) =>
        a.Name == b.Name && a.Namespace == b.Namespace && a.SectionName == b.SectionName && a.Port == b.Port && a.Group == b.Group && a.Kind == b.Kind;

    /// <summary>Each condition keeps the current lastTransitionTime while its status is unchanged, else gets <paramref name="now"/>.</summary>
    private static List<GatewayCondition> Timed(IReadOnlyList<GatewayCondition>? desired, IReadOnlyList<GatewayCondition>? current, DateTimeOffset now) =>
        [.. (desired ?? []).Select(c => c with
        {
            LastTransitionTime = current?.FirstOrDefault(x => x.Type == c.Type) is { } before && before.Status == c.Status && before.LastTransitionTime is { } t ? t : now,
        })];

    /// <summary>The status without transition times, for the "did anything change" comparison.</summary>
    private static string Comparable(object? status) =>
        JsonSerializer.Serialize(JsonSerializer.SerializeToNode(status, Json) is { } node ? Strip(node) : null, Json);

    private static System.Text.Json.Nodes.JsonNode Strip(System.Text.Json.Nodes.JsonNode node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                obj.Remove("lastTransitionTime");
                foreach (var (_, value) in obj)
                {
                    if (value is not null)
                    {
                        Strip(value);
                    }
                }

                break;
            case System.Text.Json.Nodes.JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Strip(item);
                    }
                }

                break;
        }

        return node;
    }

    private async Task<bool> PatchAsync(string plural, string? ns, string name, object desired, object? current, Func<bool> isLeader, CancellationToken ct)
    {
        var wanted = Comparable(desired);
        var key = $"{plural}/{ns}/{name}";
        if (!isLeader() || wanted == Comparable(current) || (_written.TryGetValue(key, out var last) && last == wanted && current is not null && Comparable(current) == wanted))
        {
            return true;
        }

        var version = GatewayApiKinds.ServedVersion(plural == "referencegrants" ? GatewayApiKinds.ReferenceGrant : GatewayApiKinds.Gateway);
        var patch = new V1Patch(JsonSerializer.Serialize(new { status = desired }, Json), V1Patch.PatchType.MergePatch);
        try
        {
            if (ns is null)
            {
                await client.CustomObjects.PatchClusterCustomObjectStatusAsync(patch, GatewayApiKinds.Group, version, plural, name, fieldManager: "switchyard", cancellationToken: ct);
            }
            else
            {
                await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, GatewayApiKinds.Group, version, ns, plural, name, fieldManager: "switchyard", cancellationToken: ct);
            }

            Patches++;
            _written[key] = wanted;
            StatusLog.Written(logger, key, "Gateway API status");
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true; // deleted since the snapshot
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            StatusLog.WriteFailed(logger, e, key);
            return false;
        }
    }
}

internal static partial class GatewayStatusLog
{
    [LoggerMessage(6120, LogLevel.Warning, "Gateway status.addresses are left as they are: {Problem}")]
    public static partial void AddressUnusable(ILogger logger, string problem);
}
