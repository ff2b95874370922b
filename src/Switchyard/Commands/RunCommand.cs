using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Acme;
using Switchyard.Configuration;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Acme;
using Switchyard.Routing.Table;
using Switchyard.Sources.Folder;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard run --config config/switchyard.yaml`: starts the entry points, then compiles every snapshot of
/// the manifest folder and swaps the table in (hot reload). Stops gracefully on SIGINT/SIGTERM.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config", "-c")
        {
            Description = "Static configuration file (entry points, providers, log level).",
            DefaultValueFactory = _ => "config/switchyard.yaml",
        };
        var command = new Command("run", "Serve the routes of the manifest folder (hot reload) on the configured entry points.");
        command.Options.Add(config);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, CancellationToken cancellationToken)
    {
        LoadedStaticConfig config;
        try
        {
            config = StaticConfigLoader.Load(configPath);
        }
        catch (StaticConfigException ex)
        {
            await Console.Error.WriteLineAsync($"switchyard: {ex.Message}");
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(b => b
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            })
            .SetMinimumLevel(config.LogLevel)
            // Kestrel's own start-up lines list internal listeners too; ours say what each entry point is.
            .AddFilter("Microsoft", LogLevel.Warning)
            // YARP's forwarder writes lines per proxied call; each call's outcome is Switchyard's own event 5101
            // (Debug), its failures are counted in metrics, and access logs are the place for per-call lines.
            .AddFilter("Yarp", LogLevel.Error));
        var logger = loggerFactory.CreateLogger("Switchyard.Run");

        var crd = config.Raw.Providers.KubernetesCRD;
        var ingress = config.Raw.Providers.KubernetesIngress;
        if (config.ManifestDirectory is null && crd is not { Enabled: true } && config.Raw.Providers.KubernetesGateway is not { Enabled: true }
            && ingress is not { Enabled: true })
        {
            LogNoProvider(logger);
            return 2;
        }

        using var source = CreateSource(config, crd, ingress, loggerFactory, logger);
        // The first snapshot is read and compiled while the entry points are built and started (SnapshotPrefetch).
        await using var snapshots = new SnapshotPrefetch(source, config.Provider, cancellationToken);

        // ACME resolvers run beside the data plane: the entry points answer their challenges and serve their
        // certificates by SNI; each new table tells them which domains to hold. In a cluster, certificates live in
        // Secrets of the operator's namespace (every replica serves them) and only the Lease holder orders.
        var acme = config.Resolvers.IsEmpty ? null : new AcmeCertificates();
        await using var host = DataPlaneHost.Create(config.EntryPoints, loggerFactory,
            services =>
            {
                if (acme is not null)
                {
                    services.AddSingleton(acme);
                }

                services.AddSingleton(new Switchyard.DataPlane.Forwarding.Http2UpstreamSwitch(config.Raw.DataPlane.Http2Upstream));
            }, config.Metrics, config.AccessLog, config.Api, config.Tracing);
        await using var resolvers = acme is null ? null : new AcmeResolverHost(config.Resolvers, acme,
            source.Client is { } kube
                ? r => new KubernetesSecretAcmeStorage(kube, LeaderElectionEnvironment.OperatorNamespace(), r.Name)
                : r => new DirectoryAcmeStorage(r.Storage),
            loggerFactory, () => source.IsLeader);
        if (resolvers is not null)
        {
            resolvers.OrderFailed += d => LogDiagnostic(logger, LogLevel.Error, d.Code, d.Format());
            resolvers.Start();
        }

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            LogListenFailed(logger, ex.Message);
            return 1;
        }

        try
        {
            // After the initial load and after large reloads, give the load's peak back (see MemoryTrimmer).
            using var trimmer = new MemoryTrimmer(logger, TimeSpan.FromSeconds(2), growthThreshold: 32L << 20, trimAfterStart: true);
            var reported = new NewDiagnostics();
            await foreach (var (snapshot, compile) in snapshots.ReadAsync(cancellationToken))
            {
                if (Apply(host, snapshot, compile, resolvers, logger, reported) is { } result)
                {
                    host.Api?.State.SetCompileDiagnostics(result.Diagnostics);
                    source.OnCompiled(snapshot, result);
                }
                trimmer.Changed();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown requested.
        }

        LogStopping(logger);
        return 0;
    }

    /// <summary>
    /// The snapshot source: the Kubernetes API when providers.kubernetesCRD.enabled (kubeconfig or in-cluster
    /// credentials), else the manifest folder. Both feed the same compiler with the same ProviderOptions.
    /// </summary>
    private static IDisposableSource CreateSource(LoadedStaticConfig config, KubernetesCrdProviderConfig? crd, KubernetesIngressProviderConfig? ingress,
        ILoggerFactory loggerFactory, ILogger logger)
    {
        var gateway = config.Raw.Providers.KubernetesGateway is { Enabled: true } g ? g : null;
        if (crd is { Enabled: true } || gateway is not null || ingress is { Enabled: true })
        {
            var watched = (crd is { Enabled: true } ? crd.Namespaces : []).Concat(ingress is { Enabled: true } ? ingress.Namespaces : []).ToList();
            var all = crd is { Enabled: true, Namespaces.Count: 0 } || ingress is { Enabled: true, Namespaces.Count: 0 } || (crd is not { Enabled: true } && ingress is not { Enabled: true });
            crd ??= new KubernetesCrdProviderConfig();
            LogWatchingCluster(logger, all ? "all namespaces" : string.Join(",", watched.Distinct()));
            var client = new k8s.Kubernetes(Switchyard.Kubernetes.KubernetesClientFactory.AllowDeepObjects(k8s.KubernetesClientConfiguration.BuildDefaultConfig()));
            var options = new Switchyard.Kubernetes.KubernetesSourceOptions
            {
                Namespaces = crd.Namespaces,
                LabelSelector = string.IsNullOrEmpty(crd.LabelSelector) ? null : crd.LabelSelector,
                IngressClass = crd.IngressClass,
                LegacyGroup = crd.LegacyGroup,
                TraefikCrds = crd.Enabled,
                GatewayApi = gateway is null ? null : new Switchyard.Kubernetes.GatewayApiSourceOptions
                {
                    Namespaces = gateway.Namespaces,
                    LabelSelector = string.IsNullOrEmpty(gateway.LabelSelector) ? null : gateway.LabelSelector,
                    StatusAddress = config.GatewayStatusAddress,
                },
                Ingress = ingress is { Enabled: true } ? IngressSource(ingress, config.Provider) : null,
            };
            // Source + leader election + status writer: every replica serves, the Lease holder writes status
            // conditions and Events from each compile result. Lease settings come from the chart's environment.
            var leadership = LeaderElectionEnvironment.Read();
            var controller = new Switchyard.Kubernetes.KubernetesController(client, options, leadership, loggerFactory);
            var stop = new CancellationTokenSource();
            var background = controller.RunAsync(stop.Token);
            return new DisposableSource(controller.Source, new Owned(() =>
            {
                stop.Cancel();
                background.Wait(TimeSpan.FromSeconds(5));
                stop.Dispose();
                controller.Dispose();
                client.Dispose();
            }), controller.OnCompiled, client, () => controller.IsLeader);
        }

        LogWatching(logger, config.ManifestDirectory!);
        if (!Directory.Exists(config.ManifestDirectory))
        {
            LogFolderMissingAtStart(logger, config.ManifestDirectory!);
        }

        var folder = new ManifestFolderSource(config.ManifestDirectory!, limits: config.FolderLimits);
        return new DisposableSource(config.WatchManifests ? folder : new ReadOnceSource(folder), folder, null, null, null);
    }

    /// <summary>The Kubernetes source's Ingress settings: what to watch, the compiler's options, ingressEndpoint.</summary>
    private static Switchyard.Kubernetes.IngressSourceOptions IngressSource(KubernetesIngressProviderConfig ingress, ProviderOptions provider) => new()
    {
        Namespaces = ingress.Namespaces,
        LabelSelector = string.IsNullOrEmpty(ingress.LabelSelector) ? null : ingress.LabelSelector,
        Provider = provider.Ingress,
        Endpoint = ingress.IngressEndpoint is { } e
            ? new Switchyard.Kubernetes.IngressEndpoint(e.Ip.Length > 0 ? e.Ip : null, e.Hostname.Length > 0 ? e.Hostname : null, e.PublishedService.Length > 0 ? e.PublishedService : null)
            : null,
    };

    private interface IDisposableSource : ISnapshotSource, IDisposable
    {
        /// <summary>Hands a compile result back to the source's owner (the Kubernetes status writer).</summary>
        void OnCompiled(ClusterSnapshot snapshot, CompileResult result);

        /// <summary>The Kubernetes client in cluster mode (ACME Secrets), null for the folder.</summary>
        k8s.IKubernetes? Client { get; }

        /// <summary>Whether this replica holds the Lease (always true for the folder).</summary>
        bool IsLeader { get; }
    }

    private sealed class DisposableSource(
        ISnapshotSource source, IDisposable owned, Action<ClusterSnapshot, CompileResult>? compiled, k8s.IKubernetes? client, Func<bool>? isLeader)
        : IDisposableSource
    {
        public k8s.IKubernetes? Client => client;

        public bool IsLeader => isLeader?.Invoke() ?? true;

        public IAsyncEnumerable<ClusterSnapshot> WatchAsync(CancellationToken cancellationToken) => source.WatchAsync(cancellationToken);

        public void OnCompiled(ClusterSnapshot snapshot, CompileResult result) => compiled?.Invoke(snapshot, result);

        public void Dispose() => owned.Dispose();
    }

    private sealed class Owned(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    /// <summary>Compile and swap; a failure keeps the previous table serving. Returns the compile result (null on failure).</summary>
    private static CompileResult? Apply(DataPlaneHost host, ClusterSnapshot snapshot, Func<CompileResult> compile, AcmeResolverHost? resolvers,
        ILogger logger, NewDiagnostics reported)
    {
        if (host.Metrics is { } metrics)
        {
            metrics.ConfigSourceMissing = snapshot.LoadDiagnostics.Any(d => d.Code == DiagnosticCodes.FolderMissing);
        }

        try
        {
            var result = compile();
            var swap = host.Tables.Swap(result.Table);
            // What the data plane refused in the table now serving (none when the compiler did its job) reaches
            // the resources' status and Events with the compiler's diagnostics.
            var served = host.Tables.Current.Diagnostics;
            var withDataPlane = served.IsEmpty ? result : result with { Diagnostics = result.Diagnostics.AddRange(served) };
            // Every reload logs what is new since the last one, whether or not the table changed (issue 17.7): a
            // broken edit leaves the table as it was, and its syntax error must still reach the log.
            foreach (var diagnostic in reported.Fresh(result.Diagnostics.Concat(swap.Diagnostics)))
            {
                LogDiagnostic(logger, Level(diagnostic.Severity), diagnostic.Code, diagnostic.Format());
            }

            if (!swap.Published)
            {
                return withDataPlane;
            }

            // Without resolvers, a router naming one still gets the certResolver error `validate --config` gives.
            foreach (var diagnostic in resolvers?.OnTable(result.Table) ?? AcmeDomains.FromTable(result.Table, NoResolvers).Diagnostics)
            {
                LogDiagnostic(logger, Level(diagnostic.Severity), diagnostic.Code, diagnostic.Format());
            }

            LogApplied(logger, swap.Generation, result.Table.Routers.Length, result.Diagnostics.Length + swap.Diagnostics.Length);
            return withDataPlane;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCompileFailed(logger, ex);
            host.Metrics?.OnReloadFailed();
            return null;
        }
    }

    private static readonly HashSet<string> NoResolvers = [];

    private static LogLevel Level(Severity severity) => severity switch
    {
        Severity.Error => LogLevel.Error,
        Severity.Warning => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    [LoggerMessage(EventId = 100, Message = "{Code}: {Diagnostic}")]
    private static partial void LogDiagnostic(ILogger logger, LogLevel level, string code, string diagnostic);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "table generation {Generation} applied: {Routers} routers, {Diagnostics} diagnostics")]
    private static partial void LogApplied(ILogger logger, long generation, int routers, int diagnostics);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "compiling the snapshot failed; the previous table keeps serving")]
    private static partial void LogCompileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "watching manifests in {Directory}")]
    private static partial void LogWatching(ILogger logger, string directory);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "the manifest folder {Directory} does not exist: not ready until it appears")]
    private static partial void LogFolderMissingAtStart(ILogger logger, string directory);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "stopping: running calls get the grace time to finish")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "watching the Kubernetes API ({Namespaces})")]
    private static partial void LogWatchingCluster(ILogger logger, string namespaces);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "configure providers.file.directory or enable providers.kubernetesCRD or providers.kubernetesIngress for `switchyard run`")]
    private static partial void LogNoProvider(ILogger logger);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "cannot listen: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);
}
