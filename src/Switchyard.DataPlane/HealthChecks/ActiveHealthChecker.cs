using Microsoft.Extensions.Logging;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// The background check of one server (one per server URL + HealthCheckConfig + ServersTransport, kept in the
/// swap state so it survives swaps with an unchanged config and is disposed when no table references it).
/// Probes at once, then every <c>interval</c> while healthy and every <c>unhealthyInterval</c> while not, each
/// probe bounded by <c>timeout</c>. Every transition is reported through <see cref="ServerHealthEvents"/>.
/// </summary>
public sealed class ActiveHealthChecker : IDisposable
{
    private readonly string _serviceId;
    private readonly string _serverUrl;
    private readonly HealthCheckConfig _config;
    private readonly Func<IHealthProbe> _createProbe;
    private readonly ServerHealthEvents _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private int _started;
    private int _disposed;

    /// <param name="createProbe">Called once, when the loop starts (so an instance created and discarded by a
    /// racing GetOrAdd never opens connections).</param>
    public ActiveHealthChecker(
        string serviceId, string serverUrl, HealthCheckConfig config, Func<IHealthProbe> createProbe,
        ServerHealthEvents events, ILogger logger, TimeProvider time)
    {
        _serviceId = serviceId;
        _serverUrl = serverUrl;
        _config = config;
        _createProbe = createProbe;
        _events = events;
        _logger = logger;
        _time = time;
    }

    public ServerHealthState State { get; } = new();

    /// <summary>Completes when the loop has exited after <see cref="Dispose"/> (or immediately if never started).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the loop once; later calls do nothing.</summary>
    public void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            Completion = Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        using var probe = _createProbe();
        var interval = Positive(_config.Interval, TimeSpan.FromSeconds(30));
        var unhealthyInterval = Positive(_config.UnhealthyInterval, interval);
        var timeout = Positive(_config.Timeout, TimeSpan.FromSeconds(5));
        HealthLog.CheckStarted(_logger, _serverUrl, _config.Mode, probe.Target, interval);
        try
        {
            while (!token.IsCancellationRequested)
            {
                ProbeResult result;
                using (var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(token))
                {
                    probeTimeout.CancelAfter(timeout);
                    result = await probe.CheckAsync(probeTimeout.Token);
                }

                if (token.IsCancellationRequested)
                {
                    break; // stopped mid-probe: the verdict is not about the server
                }

                if (!result.Healthy)
                {
                    HealthLog.ProbeFailed(_logger, _serverUrl, result.Detail);
                }

                State.LastCheck = new ActiveCheckResult(_time.GetUtcNow(), result.Healthy, result.Detail);
                if (State.Set(result.Healthy))
                {
                    _events.Publish(_serviceId, _serverUrl, result.Healthy, HealthCheckSource.Active, result.Detail);
                }

                await Task.Delay(State.IsHealthy ? interval : unhealthyInterval, _time, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (token.IsCancellationRequested)
        {
        }

        HealthLog.CheckStopped(_logger, _serverUrl);
    }

    private static TimeSpan Positive(TimeSpan value, TimeSpan fallback) => value > TimeSpan.Zero ? value : fallback;

    /// <summary>Stops the loop; the probe (and its connections) is disposed when the loop exits.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Not disposed: the loop may still be reading its token; a CTS without a timer holds nothing.
            _stop.Cancel();
        }
    }
}
