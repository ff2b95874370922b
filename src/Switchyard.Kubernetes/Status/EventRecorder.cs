using k8s;
using k8s.Models;

namespace Switchyard.Kubernetes.Status;

/// <summary>Writes events.k8s.io/v1 Events about Traefik objects (what <c>kubectl describe</c> shows).</summary>
public sealed class EventRecorder(IKubernetes client, string reportingInstance)
{
    public const string ReportingController = "switchyard.io/operator";

    public async Task RecordAsync(DesiredStatus about, StatusConditionChange change, CancellationToken ct)
    {
        var r = about.Resource;
        var ev = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = $"{r.Name}.", NamespaceProperty = r.Namespace },
            EventTime = DateTime.UtcNow,
            Type = change.Warning ? "Warning" : "Normal",
            Reason = change.Reason,
            Note = Truncate(change.Message, 1024),
            Action = "Reconcile",
            ReportingController = ReportingController,
            ReportingInstance = reportingInstance,
            Regarding = new V1ObjectReference
            {
                ApiVersion = about.ApiVersion,
                Kind = r.Kind,
                NamespaceProperty = r.Namespace,
                Name = r.Name,
                Uid = about.Uid,
            },
        };
        await client.EventsV1.CreateNamespacedEventAsync(ev, r.Namespace, cancellationToken: ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>A condition that changed status or reason: worth an Event.</summary>
public sealed record StatusConditionChange(string Type, string Reason, string Message, bool Warning);
