using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Switchyard.Model;
using Switchyard.Routing;
using Switchyard.Routing.Table;

namespace Switchyard.Commands;

/// <summary>
/// The snapshots of a source with their compile step, the first one read and compiled on a thread-pool thread from
/// construction on. `switchyard run` creates it before it builds and starts the entry points, so loading the
/// folder (YAML, decoding, the compiler's first use) overlaps the host's start instead of following it: readiness
/// waits for the later of the two, not their sum. Later snapshots are compiled when the caller asks.
/// </summary>
internal sealed class SnapshotPrefetch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly IAsyncEnumerator<ClusterSnapshot> _snapshots;
    private readonly ProviderOptions _options;
    private readonly Task<(ClusterSnapshot Snapshot, Func<CompileResult> Compile)?> _first;

    public SnapshotPrefetch(ISnapshotSource source, ProviderOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _snapshots = source.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        _first = Task.Run(ReadFirstAsync, _stop.Token);
    }

    /// <summary>Each snapshot with the call that compiles it (for the first: hands over the result computed ahead).</summary>
    public async IAsyncEnumerable<(ClusterSnapshot Snapshot, Func<CompileResult> Compile)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (await _first.WaitAsync(cancellationToken).ConfigureAwait(false) is not { } first)
        {
            yield break;
        }

        yield return first;
        while (await _snapshots.MoveNextAsync().ConfigureAwait(false))
        {
            var snapshot = _snapshots.Current;
            yield return (snapshot, () => RoutingCompiler.Compile(snapshot, _options));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _first.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled, or already surfaced to ReadAsync's caller: the enumerator is idle either way.
        }

        await _snapshots.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<(ClusterSnapshot, Func<CompileResult>)?> ReadFirstAsync()
    {
        if (!await _snapshots.MoveNextAsync().ConfigureAwait(false))
        {
            return null;
        }

        var snapshot = _snapshots.Current;
        try
        {
            var result = RoutingCompiler.Compile(snapshot, _options);
            return (snapshot, () => result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Raised again where the compile step runs, so a failed first compile is logged like any other.
            var captured = ExceptionDispatchInfo.Capture(ex);
            return (snapshot, () =>
            {
                captured.Throw();
                return null!;
            });
        }
    }
}
