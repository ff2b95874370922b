using Switchyard.Kubernetes.Status;
using Switchyard.Kubernetes.Tests.Source;
using Switchyard.Routing;
using Switchyard.Routing.Table;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.Status;

/// <summary>One replica's control plane in-process: source → RoutingCompiler → status writer, with leader election.</summary>
internal sealed class ControlPlaneRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly k8s.Kubernetes _client;
    private readonly Task _pipeline;
    private readonly Task _controllerTask;
    private volatile CompileResult? _latest;

    public ControlPlaneRun(FakeApiServer server, string identity, bool elect = true)
    {
        _client = server.CreateClient();
        Controller = new KubernetesController(_client,
            new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) },
            elect ? new LeadershipOptions
            {
                Namespace = "switchyard",
                Identity = identity,
                // Short enough for a takeover test, long enough that on a loaded CI machine a renewal late by a
                // few hundred ms does not hand the lease to the other replica in the middle of a test.
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            } : null,
            new TestLoggerFactory());
        _controllerTask = Task.Run(() => Controller.RunAsync(_stop.Token));
        _pipeline = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in Controller.Source.WatchAsync(_stop.Token))
                {
                    var result = RoutingCompiler.Compile(snapshot, ProviderOptions.Default);
                    _latest = result;
                    Controller.OnCompiled(snapshot, result);
                }
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        });
    }

    public KubernetesController Controller { get; }

    public CompileResult? Latest => _latest;

    public bool Stopped => _stop.IsCancellationRequested;

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Task.WhenAll(_pipeline, _controllerTask).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Controller.Dispose();
        _client.Dispose();
    }
}

internal sealed class TestLoggerFactory : Microsoft.Extensions.Logging.ILoggerFactory
{
    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
    {
    }

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new TestLogger<ControlPlaneRun>();

    public void Dispose()
    {
    }
}
