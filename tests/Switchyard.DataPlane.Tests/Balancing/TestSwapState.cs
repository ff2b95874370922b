using Switchyard.DataPlane.Middlewares;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>
/// A minimal ISwapState with the contract's semantics: keys requested while building the newest table
/// survive <see cref="Commit"/>; others are released (disposed). Disposing releases everything, which stops
/// health checkers at the end of a test.
/// </summary>
internal sealed class TestSwapState : ISwapState, IDisposable
{
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public T GetOrAdd<T>(string key, Func<T> create) where T : class
    {
        lock (_lock)
        {
            _touched.Add(key);
            if (_items.TryGetValue(key, out var existing))
            {
                return (T)existing;
            }

            var created = create();
            _items[key] = created;
            return created;
        }
    }

    /// <summary>Call after building a table: releases what that build did not ask for.</summary>
    public void Commit()
    {
        lock (_lock)
        {
            foreach (var key in _items.Keys.Where(k => !_touched.Contains(k)).ToList())
            {
                (_items[key] as IDisposable)?.Dispose();
                _items.Remove(key);
            }

            _touched.Clear();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var item in _items.Values)
            {
                (item as IDisposable)?.Dispose();
            }

            _items.Clear();
        }
    }
}
