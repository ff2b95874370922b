using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchyard.Kubernetes.Status;

/// <summary>Lease timings: a new leader takes over at most <see cref="LeaseDuration"/> after the old one stops renewing.</summary>
public sealed record LeadershipOptions
{
    public string Namespace { get; init; } = "switchyard";

    public string LeaseName { get; init; } = "switchyard-status-writer";

    /// <summary>This replica's identity (pod name); defaults to host name + process id.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease with KubernetesClient's LeaderElector. Every replica serves
/// traffic; only the leader writes status and Events.
/// </summary>
public sealed class Leadership : IDisposable
{
    private readonly LeaderElector _elector;
    private readonly ILogger _logger;
    private volatile bool _leading;

    public Leadership(IKubernetes client, LeadershipOptions options, ILogger<Leadership>? logger = null)
    {
        Options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var @lock = new LeaseLock(client, options.Namespace, options.LeaseName, options.Identity);
        _elector = new LeaderElector(new LeaderElectionConfig(@lock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        _elector.OnStartedLeading += () => Set(true);
        _elector.OnStoppedLeading += () => Set(false);
    }

    public LeadershipOptions Options { get; }

    public bool IsLeader => _leading;

    /// <summary>Raised with the new state when this replica gains or loses leadership.</summary>
    public event Action<bool>? Changed;

    /// <summary>Campaigns, holds and re-campaigns until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _elector.RunAndTryToHoldLeadershipForeverAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            Set(false);
        }
    }

    public void Dispose() => _elector.Dispose();

    private void Set(bool leading)
    {
        if (_leading == leading)
        {
            return;
        }

        _leading = leading;
        StatusLog.Leadership(_logger, Options.Identity, leading ? "started leading" : "stopped leading");
        Changed?.Invoke(leading);
    }
}
