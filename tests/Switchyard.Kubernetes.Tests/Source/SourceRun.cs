using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switchyard.Model;

namespace Switchyard.Kubernetes.Tests.Source;

/// <summary>Runs an <see cref="ISnapshotSource"/> in the background and keeps what it emitted.</summary>
internal sealed class SourceRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile ClusterSnapshot? _latest;

    public SourceRun(ISnapshotSource source)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var s in source.WatchAsync(_stop.Token))
                {
                    Snapshots.Enqueue(s);
                    _latest = s;
                }
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        });
    }

    public ConcurrentQueue<ClusterSnapshot> Snapshots { get; } = new();

    public ClusterSnapshot? Latest => _latest;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

/// <summary>Test logs to the NUnit output.</summary>
internal sealed class TestLogger<T> : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        TestContext.Progress.WriteLine($"[{typeof(T).Name}] {logLevel} {formatter(state, exception)}{(exception is null ? "" : " — " + exception.GetType().Name + ": " + exception.Message)}");
}
