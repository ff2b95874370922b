using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Compiler.Ingresses;
using Switchyard.Routing.Table;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// The Ingress part of the status writer (leader only, like the rest): <c>status.loadBalancer.ingress</c> of processed
/// Ingresses from <c>ingressEndpoint</c>, written only when it differs, and an Event when an Ingress's findings change
/// (Ingresses have no conditions: the Event, the log and `switchyard validate` carry the reason).
/// </summary>
internal sealed class IngressStatusReconciler(IKubernetes client, EventRecorder events, IngressSourceOptions options, ILogger logger)
{
    private const string ApiVersion = "networking.k8s.io/v1";

    private readonly FindingsEvents _findings = new(events, logger);
    private readonly Dictionary<ResourceRef, (long Rv, string Body)> _written = [];
    private string? _endpointProblem;
    private long _patches;

    public long Patches => Interlocked.Read(ref _patches);

    public long Events => _findings.Count;

    public async Task<bool> ReconcileAsync(ClusterSnapshot snapshot, CompileResult result, Func<bool> isLeader, CancellationToken ct)
    {
        var ok = true;
        var updates = IngressStatusComputer.Compute(snapshot, options, out var problem);
        foreach (var update in updates)
        {
            if (!isLeader() || ct.IsCancellationRequested)
            {
                return true;
            }

            ok &= await WriteStatusAsync(update, ct);
        }

        if (problem != _endpointProblem)
        {
            _endpointProblem = problem;
            if (problem is not null)
            {
                IngressStatusLog.EndpointUnusable(logger, problem);
            }
        }

        ok &= await RecordFindingsAsync(snapshot, result, isLeader, ct);
        return ok;
    }

    private async Task<bool> WriteStatusAsync(IngressStatusUpdate update, CancellationToken ct)
    {
        var body = KubernetesJson.Serialize(update.Desired);
        // The snapshot can lag behind our own write: don't send the same body again for a version we already patched.
        if (_written.TryGetValue(update.Resource, out var w) && w.Body == body &&
            long.TryParse(update.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv < w.Rv)
        {
            return true;
        }

        try
        {
            var patch = new V1Patch(KubernetesJson.Serialize(new { status = new { loadBalancer = new { ingress = update.Desired } } }), V1Patch.PatchType.MergePatch);
            var written = await client.NetworkingV1.PatchNamespacedIngressStatusAsync(patch, update.Resource.Name, update.Resource.Namespace,
                fieldManager: "switchyard", cancellationToken: ct);
            Interlocked.Increment(ref _patches);
            _written[update.Resource] = (long.TryParse(written.Metadata?.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0, body);
            IngressStatusLog.Written(logger, update.Resource.ToString(), string.Join(", ", update.Desired.Select(i => i.Ip ?? i.Hostname)));
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true; // deleted since the snapshot
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            StatusLog.WriteFailed(logger, e, update.Resource.ToString());
            return false;
        }
    }

    /// <summary>One Event per change of an Ingress's errors and warnings: Warning with them, Normal when they are gone.</summary>
    private Task<bool> RecordFindingsAsync(ClusterSnapshot snapshot, CompileResult result, Func<bool> isLeader, CancellationToken ct) =>
        _findings.RecordAsync(
            IngressClassFilter.Select(snapshot, options.Provider)
                .Select(i => new EventSubject(ResourceRefs.Of(i), ApiVersion, i.Metadata?.Uid, "The Ingress is served without errors")),
            FindingsEvents.ByResource(result.Diagnostics.Concat(snapshot.LoadDiagnostics), k => k == V1Ingress.KubeKind),
            isLeader, ct);
}

internal static partial class IngressStatusLog
{
    [LoggerMessage(6110, LogLevel.Information, "Status of {Resource}: loadBalancer {Addresses}")]
    public static partial void Written(ILogger logger, string resource, string addresses);

    [LoggerMessage(6111, LogLevel.Warning, "Ingress status is not written: {Problem}")]
    public static partial void EndpointUnusable(ILogger logger, string problem);
}
