namespace Switchyard.DataPlane.Swap;

/// <summary>
/// State that survives table swaps when its configuration is unchanged (rate-limit buckets, health state,
/// connection pools). ARCHITECTURE.md: "state that must survive a swap is keyed by config, not by table".
/// </summary>
public interface ISwapState
{
    /// <summary>
    /// Returns the object kept for <paramref name="key"/>, creating it on first use. Include everything that
    /// should reset the state in the key (id + config). Keys not requested while building the newest table
    /// are released — disposed if IDisposable — after the calls of older tables drain.
    /// </summary>
    T GetOrAdd<T>(string key, Func<T> create) where T : class;
}
