using System.Net;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Kubernetes;
using Switchyard.Kubernetes.Status;
using Switchyard.Routing;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// One operator replica in-process, composed like `switchyard run` with providers.kubernetesCRD: the Kubernetes
/// controller (source + status writer + leader election) → RoutingCompiler → the data plane's table swap, serving
/// gRPC on a real Kestrel "web" entry point on 127.0.0.1.
/// </summary>
internal sealed class InProcessOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly k8s.Kubernetes _client;
    private readonly ILoggerFactory _loggers;
    private Task _pipeline = Task.CompletedTask;
    private Task _controllerTask = Task.CompletedTask;
    private long _swaps;

    private readonly ProviderOptions _provider;

    private InProcessOperator(FakeApiServer server, DataPlaneHost host, string identity, KubernetesSourceOptions? options, ProviderOptions provider)
    {
        _provider = provider;
        _client = server.CreateClient();
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        Host = host;
        Controller = new KubernetesController(_client,
            options ?? new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) },
            new LeadershipOptions
            {
                Namespace = "switchyard",
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(1),
                RenewDeadline = TimeSpan.FromMilliseconds(800),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            },
            _loggers);
    }

    public DataPlaneHost Host { get; }

    public KubernetesController Controller { get; }

    /// <summary>Tables swapped in so far.</summary>
    public long Swaps => Interlocked.Read(ref _swaps);

    /// <summary>The snapshot of the table serving now (null before the first swap).</summary>
    public Switchyard.Model.ClusterSnapshot? Serving => Volatile.Read(ref _serving);

    private Switchyard.Model.ClusterSnapshot? _serving;

    public int WebPort => Host.Endpoint("web").Port;

    /// <summary>
    /// Starts a replica; <paramref name="entryPoints"/> (default: one cleartext "web") and <paramref name="provider"/>
    /// (default: Traefik's provider defaults) are what `run` would take from the static configuration.
    /// </summary>
    public static async Task<InProcessOperator> StartAsync(FakeApiServer server, string identity = "replica-a", KubernetesSourceOptions? options = null,
        IReadOnlyList<EntryPointOptions>? entryPoints = null, ProviderOptions? provider = null)
    {
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        var host = DataPlaneHost.Create(entryPoints ?? [new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }], loggers);
        await host.StartAsync();
        var op = new InProcessOperator(server, host, identity, options, provider ?? ProviderOptions.Default);
        op._controllerTask = Task.Run(() => op.Controller.RunAsync(op._stop.Token));
        op._pipeline = Task.Run(op.PipelineAsync);
        return op;
    }

    public GrpcChannel Channel() => GrpcChannel.ForAddress($"http://127.0.0.1:{WebPort}");

    private async Task PipelineAsync()
    {
        try
        {
            await foreach (var snapshot in Controller.Source.WatchAsync(_stop.Token))
            {
                var result = RoutingCompiler.Compile(snapshot, _provider);
                Host.Tables.Swap(result.Table);
                Volatile.Write(ref _serving, snapshot);
                Interlocked.Increment(ref _swaps);
                Controller.OnCompiled(snapshot, result);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_pipeline, _controllerTask).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Controller.Dispose();
        await Host.DisposeAsync();
        _client.Dispose();
        _loggers.Dispose();
    }
}
