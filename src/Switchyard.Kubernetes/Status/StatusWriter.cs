using System.Globalization;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Model;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Writes status conditions (merge patch to <c>/status</c>) and Events for the latest compile result, only while
/// this replica leads, and only for objects whose status differs from the desired one — so an idle cluster sees
/// no writes and our own status updates cannot cause a write loop.
/// </summary>
public sealed class StatusWriter
{
    private readonly IKubernetes _client;
    private readonly Func<bool> _isLeader;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, (long Rv, string Body)> _written = new(StringComparer.Ordinal);
    private Tuple<ClusterSnapshot, CompileResult>? _latest;
    private readonly GatewayApiStatusWriter _gatewayApi;
    private long _patches;
    private long _eventsWritten;

    public StatusWriter(IKubernetes client, string identity, Func<bool> isLeader, ILogger<StatusWriter>? logger = null, IngressSourceOptions? ingress = null,
        GatewayStatusAddress? gatewayStatusAddress = null)
    {
        _client = client;
        _isLeader = isLeader;
        _events = new EventRecorder(client, identity);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _gatewayApi = new GatewayApiStatusWriter(client, _events, _logger, gatewayStatusAddress);
        _ingress = ingress is null ? null : new IngressStatusReconciler(client, _events, ingress, _logger);
    }

    private readonly IngressStatusReconciler? _ingress;

    /// <summary>Ingress status patches sent so far (status.loadBalancer).</summary>
    public long IngressPatches => _ingress?.Patches ?? 0;

    /// <summary>Events about Ingresses created so far.</summary>
    public long IngressEvents => _ingress?.Events ?? 0;

    /// <summary>Events about Gateway API objects (Gateway, HTTPRoute, GRPCRoute, BackendTLSPolicy) created so far.</summary>
    public long GatewayApiEvents => _gatewayApi.Events;

    /// <summary>Status patches sent so far (Gateway API objects included).</summary>
    public long Patches => Interlocked.Read(ref _patches) + _gatewayApi.Patches;

    /// <summary>Events created so far.</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Hands over the newest compile result (never blocks; older pending results are superseded).</summary>
    public void Publish(ClusterSnapshot snapshot, CompileResult result)
    {
        Volatile.Write(ref _latest, Tuple.Create(snapshot, result));
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Re-checks everything now (e.g. this replica just became leader).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(cancellationToken))
            {
                _wake.Reader.TryRead(out _);
                if (!_isLeader() || Volatile.Read(ref _latest) is not { } latest)
                {
                    continue;
                }

                if (!await ReconcileAsync(latest.Item1, latest.Item2, cancellationToken))
                {
                    // Something failed: try again shortly with whatever is newest then.
                    _ = RetryLaterAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task RetryLaterAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500 + Random.Shared.Next(500)), ct);
            _wake.Writer.TryWrite(true);
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    private async Task<bool> ReconcileAsync(ClusterSnapshot snapshot, CompileResult result, CancellationToken ct)
    {
        var ok = true;
        foreach (var desired in StatusComputer.Compute(snapshot, result, DateTimeOffset.UtcNow))
        {
            if (!_isLeader() || ct.IsCancellationRequested)
            {
                return true;
            }

            if (!desired.NeedsWrite || WrittenAlready(desired))
            {
                continue;
            }

            try
            {
                await WriteAsync(desired, ct);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted since the snapshot: nothing to report on.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                StatusLog.WriteFailed(_logger, e, desired.Resource.ToString());
                ok = false;
            }
        }

        // Gateway API objects: the spec's status shapes, written by their own component.
        ok &= await _gatewayApi.ReconcileAsync(snapshot, result, _isLeader, ct);
        if (_ingress is not null)
        {
            ok &= await _ingress.ReconcileAsync(snapshot, result, _isLeader, ct);
        }

        return ok;
    }

    // The snapshot can lag behind our own write; don't send the same body again for an object version we already patched.
    private bool WrittenAlready(DesiredStatus desired) =>
        _written.TryGetValue(Key(desired), out var w) && w.Body == Body(desired) &&
        long.TryParse(desired.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv < w.Rv;

    private async Task WriteAsync(DesiredStatus desired, CancellationToken ct)
    {
        var (group, version) = Split(desired.ApiVersion);
        var patch = new V1Patch(KubernetesJson.Serialize(new { status = desired.StatusBody }), V1Patch.PatchType.MergePatch);
        var response = (System.Text.Json.JsonElement)await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            patch, group, version, desired.Resource.Namespace, Plural(desired.Resource.Kind), desired.Resource.Name, fieldManager: "switchyard", cancellationToken: ct);
        Interlocked.Increment(ref _patches);
        var newRv = response.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var r) && long.TryParse(r.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        _written[Key(desired)] = (newRv, Body(desired));
        StatusLog.Written(_logger, desired.Resource.ToString(), string.Join(", ", desired.Conditions.Select(c => $"{c.Type}={c.Status}")));

        foreach (var change in Changes(desired))
        {
            await _events.RecordAsync(desired, change, ct);
            Interlocked.Increment(ref _eventsWritten);
        }
    }

    /// <summary>Conditions whose status or reason changed: False ones are Warnings, recoveries are Normal.</summary>
    private static IEnumerable<StatusConditionChange> Changes(DesiredStatus desired)
    {
        foreach (var c in desired.Conditions)
        {
            var before = desired.CurrentConditions?.FirstOrDefault(x => x.Type == c.Type);
            var changed = before is null ? c.Status != "True" : before.Status != c.Status || before.Reason != c.Reason;
            if (changed && !(c.Type == Conditions.Ready && c.Status == "False" && desired.Conditions.Any(o => o.Type != Conditions.Ready && o.Status == "False")))
            {
                yield return new StatusConditionChange(c.Type, c.Reason ?? c.Type, c.Message ?? "", c.Status != "True");
            }
        }
    }

    private static string Key(DesiredStatus d) => $"{d.ApiVersion}/{d.Resource}";

    private static string Body(DesiredStatus d) => KubernetesJson.Serialize(new { c = d.Conditions.Select(c => new { c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration }), l = d.Routers ?? d.UsedBy });

    private static (string Group, string Version) Split(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private static string Plural(string kind) => kind switch
    {
        TraefikApi.IngressRouteKind => "ingressroutes",
        TraefikApi.MiddlewareKind => "middlewares",
        TraefikApi.ServersTransportKind => "serverstransports",
        TraefikApi.TlsOptionKind => "tlsoptions",
        TraefikApi.TlsStoreKind => "tlsstores",
        TraefikApi.TraefikServiceKind => "traefikservices",
        TraefikApi.IngressRouteTcpKind => "ingressroutetcps",
        TraefikApi.IngressRouteUdpKind => "ingressrouteudps",
        TraefikApi.MiddlewareTcpKind => "middlewaretcps",
        TraefikApi.ServersTransportTcpKind => "serverstransporttcps",
        _ => throw new ArgumentException($"no status for kind {kind}"),
    };
}

internal static partial class StatusLog
{
    [LoggerMessage(6100, LogLevel.Information, "Status of {Resource}: {Conditions}")]
    public static partial void Written(ILogger logger, string resource, string conditions);

    [LoggerMessage(6101, LogLevel.Warning, "Writing the status of {Resource} failed; will retry")]
    public static partial void WriteFailed(ILogger logger, Exception error, string resource);

    [LoggerMessage(6102, LogLevel.Information, "Leader election: {Identity} {Change}")]
    public static partial void Leadership(ILogger logger, string identity, string change);
}
