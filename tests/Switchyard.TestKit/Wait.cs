using System.Diagnostics;

namespace Switchyard.TestKit;

/// <summary>Waiting on a condition with a timeout: the only allowed way for a test to wait.</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true; throws TimeoutException naming <paramref name="what"/> (a constant text).</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => what);

    /// <summary>Async-condition form of <see cref="UntilAsync(Func{bool}, TimeSpan, string)"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, timeout, () => what);

    /// <summary>
    /// Polls <paramref name="condition"/> until true; on timeout throws TimeoutException with the text
    /// <paramref name="what"/> returns then. Use it when the message shows state (output, status, counts): built
    /// before the wait, it would show the state as it was before, not the one that made the wait fail.
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Async-condition form of <see cref="UntilAsync(Func{bool}, TimeSpan, Func{string})"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var sw = Stopwatch.StartNew();
        var delay = 5;
        while (!await condition())
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for {what()}");
            }

            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }
}
