namespace Switchyard.Model;

/// <summary>
/// A producer of cluster snapshots: the manifest folder and the Kubernetes watch both implement it. Sources don't
/// interpret: they only collect objects; every semantic decision lives in the compiler.
/// </summary>
public interface ISnapshotSource
{
    /// <summary>
    /// Emits the first complete snapshot as soon as it is known, then a new snapshot after each (debounced) change,
    /// until <paramref name="cancellationToken"/> is cancelled (the enumeration then ends without throwing or
    /// throws <see cref="OperationCanceledException"/>; callers should accept both).
    /// </summary>
    IAsyncEnumerable<ClusterSnapshot> WatchAsync(CancellationToken cancellationToken);
}
