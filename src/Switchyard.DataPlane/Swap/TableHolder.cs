using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Swap;

/// <summary>What a <see cref="TableHolder.Swap"/> did.</summary>
/// <param name="Published">False when the table equals the current one (nothing was built or published).</param>
/// <param name="Generation">The generation now serving.</param>
/// <param name="Diagnostics">Problems found while building the published table.</param>
public sealed record SwapResult(bool Published, long Generation, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// The one volatile reference to the table being served. A swap builds the new table off the request path and
/// publishes it with a single write; calls already running keep the table (and the pools, health and limiter
/// state of its generation) they started with, and the old generation retires when the last of them finishes.
/// </summary>
public sealed partial class TableHolder : IDisposable
{
    private readonly TableBuilder _builder;
    private readonly ILogger _logger;
    private readonly Lock _swapGate = new();
    private readonly SwapState _state;
    private volatile CompiledTable _current;
    private volatile bool _applied;

    public TableHolder(TableBuilder builder, SwapState state, ILogger<TableHolder> logger)
    {
        _builder = builder;
        _state = state;
        _logger = logger;
        _current = builder.Build(RoutingTable.Empty, LazyFingerprint(RoutingTable.Empty));
    }

    /// <summary>True once a table from a source was applied (readiness).</summary>
    public bool HasAppliedTable => _applied;

    /// <summary>The table now serving (no reference taken: for inspection only).</summary>
    public CompiledTable Current => _current;

    /// <summary>Entry point names in static-config order (their index is what requests use).</summary>
    public IReadOnlyList<string> EntryPoints => _builder.EntryPoints;

    /// <summary>Number of swap-state objects alive (pools, health, buckets).</summary>
    public int StateCount => _state.Count;

    /// <summary>True when the swap state keeps an object under <paramref name="key"/> (tests, diagnostics).</summary>
    public bool StateContains(string key) => _state.Contains(key);

    /// <summary>Raised after a table was published (outside the swap lock).</summary>
    public event Action<CompiledTable>? TablePublished;

    /// <summary>Take a reference on the current table for one call; pair with <see cref="Release"/>.</summary>
    public CompiledTable Acquire()
    {
        while (true)
        {
            var table = _current;
            if (table.Generation.TryAcquire())
            {
                return table;
            }
        }
    }

    public static void Release(CompiledTable table) => table.Generation.Release();

    /// <summary>Build <paramref name="table"/> and publish it, unless it equals the table now serving.</summary>
    public SwapResult Swap(RoutingTable table)
    {
        // The first table from a source is never compared (readiness waits for it), so its fingerprint — a
        // serialization of the whole table — is left until the next swap compares against it. Not computed on a
        // thread-pool thread at once: on one core that work (~4 % of the CPU until ready on 1 000 routes, perf)
        // delayed the first /readyz answer, and later it ran into the first seconds of load, still in tier-0 code.
        var first = !_applied;
        var fingerprint = LazyFingerprint(table);
        if (!first)
        {
            _ = fingerprint.Value;
        }

        CompiledTable published;
        lock (_swapGate)
        {
            var current = _current;
            if (_applied && string.Equals(current.Fingerprint, fingerprint.Value, StringComparison.Ordinal))
            {
                LogSwapSkipped(_logger, current.Generation.Number);
                return new SwapResult(false, current.Generation.Number, ImmutableArray<Diagnostic>.Empty);
            }

            published = _builder.Build(table, fingerprint);
            _current = published;
            _applied = true;
            // The holder's own reference on the old table goes; it retires when its last call finishes.
            current.Generation.Release();
        }

        LogSwapped(_logger, published.Generation.Number, table.Routers.Length, published.Diagnostics.Length);

        TablePublished?.Invoke(published);
        return new SwapResult(true, published.Generation.Number, published.Diagnostics);
    }

    /// <summary>The table's value identity (<see cref="TableFingerprint"/>: secret material included).</summary>
    public static string Fingerprint(RoutingTable table) => TableFingerprint.Compute(table);

    private static Lazy<string> LazyFingerprint(RoutingTable table) => new(() => Fingerprint(table), LazyThreadSafetyMode.ExecutionAndPublication);

    public void Dispose()
    {
        lock (_swapGate)
        {
            _state.Dispose();
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "table generation {Generation} published: {Routers} routers, {Diagnostics} data-plane diagnostics")]
    private static partial void LogSwapped(ILogger logger, long generation, int routers, int diagnostics);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "table unchanged, generation {Generation} keeps serving")]
    private static partial void LogSwapSkipped(ILogger logger, long generation);
}
