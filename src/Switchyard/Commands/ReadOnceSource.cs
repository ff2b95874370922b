using System.Runtime.CompilerServices;
using Switchyard.Model;

namespace Switchyard.Commands;

/// <summary>
/// providers.file.watch: false — the folder's first snapshot is served and later changes are ignored until the
/// next start (Traefik's file provider without watch behaves the same).
/// </summary>
internal sealed class ReadOnceSource(ISnapshotSource folder) : ISnapshotSource
{
    public async IAsyncEnumerable<ClusterSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var snapshot in folder.WatchAsync(cancellationToken))
        {
            yield return snapshot;
            break; // leaving the loop disposes the folder's watcher
        }

        // Stay subscribed until the run stops: an ended enumeration would read as a source that went away.
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
