using System.Collections.Concurrent;
using Switchyard.DataPlane.Middlewares;

namespace Switchyard.DataPlane.Swap;

/// <summary>
/// The store behind <see cref="ISwapState"/>: objects keyed by config that survive table swaps (connection
/// pools, health state, rate-limit buckets). Each table build gets a <see cref="SwapGeneration"/> that records
/// the keys it asked for. When a generation retires (a newer table is published and its in-flight calls have
/// drained), every key that no live generation still uses is removed and disposed.
/// </summary>
public sealed class SwapState : IDisposable
{
    private readonly ConcurrentDictionary<string, object> _entries = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<SwapGeneration> _live = [];
    private long _nextGeneration;
    private bool _disposed;

    /// <summary>Number of objects currently kept (tests and metrics).</summary>
    public int Count => _entries.Count;

    /// <summary>True when an object is kept under <paramref name="key"/>.</summary>
    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>Starts the generation of a table being built. It is live until <see cref="SwapGeneration.Release"/> drops its last reference.</summary>
    public SwapGeneration BeginGeneration()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var generation = new SwapGeneration(this, Interlocked.Increment(ref _nextGeneration));
            _live.Add(generation);
            return generation;
        }
    }

    internal T GetOrAdd<T>(SwapGeneration generation, string key, Func<T> create) where T : class
    {
        object value;
        // Under the gate so a retirement cannot dispose the object between "recorded" and "handed out".
        lock (_gate)
        {
            generation.Record(key);
            value = _entries.GetOrAdd(key, static (_, c) => c(), create);
        }

        return value as T ?? throw new InvalidOperationException(
            $"swap state key '{key}' holds a {value.GetType().Name}, not a {typeof(T).Name}: include the type in the key");
    }

    /// <summary>A generation's calls have drained: drop it and dispose the keys nobody uses any more.</summary>
    internal void Retire(SwapGeneration generation)
    {
        List<object>? garbage = null;
        lock (_gate)
        {
            _live.Remove(generation);
            foreach (var key in generation.Keys)
            {
                if (IsUsed(key))
                {
                    continue;
                }

                if (_entries.TryRemove(key, out var value))
                {
                    (garbage ??= []).Add(value);
                }
            }
        }

        if (garbage is not null)
        {
            foreach (var value in garbage)
            {
                DisposeValue(value);
            }
        }
    }

    private bool IsUsed(string key)
    {
        foreach (var live in _live)
        {
            if (live.Uses(key))
            {
                return true;
            }
        }

        return false;
    }

    private static void DisposeValue(object value)
    {
        if (value is IDisposable d)
        {
            d.Dispose();
        }
        else if (value is IAsyncDisposable ad)
        {
            _ = ad.DisposeAsync().AsTask();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _live.Clear();
        }

        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var value))
            {
                DisposeValue(value);
            }
        }
    }
}

/// <summary>
/// The swap state as one table sees it: records the keys the table uses, and counts the calls running on the
/// table (plus one reference held by the TableHolder while the table is current).
/// </summary>
public sealed class SwapGeneration : ISwapState
{
    private readonly SwapState _owner;
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private int _references = 1;

    internal SwapGeneration(SwapState owner, long number)
    {
        _owner = owner;
        Number = number;
    }

    /// <summary>Increasing number of the build (logs and tests).</summary>
    public long Number { get; }

    internal ICollection<string> Keys => _keys.Keys;

    internal bool Uses(string key) => _keys.ContainsKey(key);

    /// <inheritdoc />
    public T GetOrAdd<T>(string key, Func<T> create) where T : class => _owner.GetOrAdd(this, key, create);

    internal void Record(string key) => _keys.TryAdd(key, 0);

    /// <summary>Takes a reference for one call. False when the generation already retired (re-read the current table).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a reference; the last one retires the generation.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _owner.Retire(this);
        }
    }
}
