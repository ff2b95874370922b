using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Kubernetes.Status;
using Switchyard.Model;
using Switchyard.Routing.Table;

namespace Switchyard.Kubernetes;

/// <summary>
/// The Kubernetes control plane of one replica: the snapshot source, leader election and the status writer.
/// The host runs <see cref="RunAsync"/>, consumes <see cref="Source"/> (compile → swap) and hands every compile
/// result to <see cref="OnCompiled"/>; status and Events are written only while this replica holds the Lease.
/// </summary>
public sealed class KubernetesController : IDisposable
{
    private readonly Leadership? _leadership;

    /// <param name="leadership">Lease settings; null ⇒ no election, this replica always writes status (single replica).</param>
    public KubernetesController(IKubernetes client, KubernetesSourceOptions? sourceOptions = null, LeadershipOptions? leadership = null, ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        Source = new KubernetesSnapshotSource(client, sourceOptions, loggers.CreateLogger<KubernetesSnapshotSource>());
        if (leadership is not null)
        {
            _leadership = new Leadership(client, leadership, loggers.CreateLogger<Leadership>());
        }

        Status = new StatusWriter(client, leadership?.Identity ?? Environment.MachineName, () => _leadership?.IsLeader ?? true, loggers.CreateLogger<StatusWriter>(), sourceOptions?.Ingress,
            sourceOptions?.GatewayApi?.StatusAddress);
        if (_leadership is not null)
        {
            _leadership.Changed += leading =>
            {
                if (leading)
                {
                    Status.Wake(); // a new leader writes whatever the old one left undone
                }
            };
        }
    }

    public KubernetesSnapshotSource Source { get; }

    public StatusWriter Status { get; }

    /// <summary>Whether this replica writes status now.</summary>
    public bool IsLeader => _leadership?.IsLeader ?? true;

    /// <summary>Runs leader election and the status writer until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(
            _leadership?.RunAsync(cancellationToken) ?? Task.CompletedTask,
            Status.RunAsync(cancellationToken));

    /// <summary>Hands a compile result to the status writer.</summary>
    public void OnCompiled(ClusterSnapshot snapshot, CompileResult result) => Status.Publish(snapshot, result);

    public void Dispose() => _leadership?.Dispose();
}
