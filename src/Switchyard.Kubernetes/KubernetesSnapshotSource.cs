using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Kubernetes.Watching;
using Switchyard.Model;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Loading;
using Switchyard.Model.Traefik;

namespace Switchyard.Kubernetes;

/// <summary>
/// The Kubernetes source: list + watch of the Traefik CRDs (both API groups), Services, EndpointSlices, Secrets
/// and ConfigMaps (and cluster-scoped Nodes, for nodePortLB, and Namespaces with the Gateway API provider) into a cache, and a <see cref="ClusterSnapshot"/> after every (coalesced) burst of changes.
/// Nothing is published until every watch has synced once; while the API server is unreachable the last
/// snapshot simply stays current (the data plane keeps serving the last table).
/// </summary>
public sealed class KubernetesSnapshotSource : ISnapshotSource
{
    private readonly IKubernetes _client;
    private readonly KubernetesSourceOptions _options;
    private readonly ILogger _logger;
    private long _changes;
    private long _published;

    /// <summary>
    /// KubernetesClient decodes lists and watch events with 64 levels at most, so one deeper object (a plugin
    /// configuration the API server stored) failed its whole kind's list and watch forever (issue 17.3). Raise
    /// the limit to the API server's before any request; the object is then refused on its own (ObjectConverters).
    /// </summary>
    static KubernetesSnapshotSource() => ManifestLimits.RaiseKubernetesClientDepth();

    public KubernetesSnapshotSource(IKubernetes client, KubernetesSourceOptions? options = null, ILogger<KubernetesSnapshotSource>? logger = null)
    {
        _client = client;
        _options = options ?? new KubernetesSourceOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Number of snapshots emitted so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    public async IAsyncEnumerable<ClusterSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Changed()
        {
            Interlocked.Increment(ref _changes);
            signal.Writer.TryWrite(true);
        }

        var watchers = CreateWatchers(Changed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = watchers.Select(w => Task.Run(() => w.RunAsync(stop.Token), CancellationToken.None)).ToArray();
        try
        {
            while (!watchers.All(w => w.Synced))
            {
                if (!await WaitAsync(signal.Reader, cancellationToken))
                {
                    yield break;
                }
            }

            Log.Synced(_logger, watchers.Count);
            while (!cancellationToken.IsCancellationRequested)
            {
                var seen = Interlocked.Read(ref _changes);
                var snapshot = Build(watchers);
                var version = Interlocked.Increment(ref _published);
                Log.Published(_logger, version, snapshot.ObjectCount);
                yield return snapshot;

                // Wait for a change that is newer than what was just published, then coalesce the burst.
                do
                {
                    if (!await WaitAsync(signal.Reader, cancellationToken) ||
                        !await DebounceAsync(signal.Reader, cancellationToken))
                    {
                        yield break;
                    }
                }
                while (Interlocked.Read(ref _changes) == seen);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Waits out a burst: until <see cref="KubernetesSourceOptions.DebounceWindow"/> passes quietly, at most <see cref="KubernetesSourceOptions.DebounceMaxDelay"/>.</summary>
    private async Task<bool> DebounceAsync(ChannelReader<bool> signal, CancellationToken ct)
    {
        var burst = Stopwatch.StartNew();
        while (true)
        {
            var remaining = _options.DebounceMaxDelay - burst.Elapsed;
            var wait = remaining < _options.DebounceWindow ? remaining : _options.DebounceWindow;
            if (wait <= TimeSpan.Zero)
            {
                return true;
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
            quiet.CancelAfter(wait);
            if (!await WaitAsync(signal, quiet.Token))
            {
                return !ct.IsCancellationRequested;
            }
        }
    }

    /// <summary>Reads one signal; false when cancelled (never throws on cancellation).</summary>
    private static async Task<bool> WaitAsync(ChannelReader<bool> signal, CancellationToken ct)
    {
        try
        {
            await signal.ReadAsync(ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private List<IKindWatcher> CreateWatchers(Action changed)
    {
        var namespaces = NamespaceList(_options.Namespaces);
        var ingressNamespaces = _options.Ingress is { } ing ? NamespaceList(ing.Namespaces) : [];
        var gatewayNamespaces = _options.GatewayApi is { } gw ? NamespaceList(gw.Namespaces) : [];
        // Services, EndpointSlices, Secrets and ConfigMaps where any provider reads routes (the Gateway provider's
        // statusAddress.service too, as Traefik reads it only from a watched namespace).
        List<string?> coreNamespaces = namespaces.Contains(null) || ingressNamespaces.Contains(null) || gatewayNamespaces.Contains(null)
            ? [null]
            : [.. namespaces.Union(ingressNamespaces).Union(gatewayNamespaces)];
        var list = new List<IKindWatcher>();
        // Like Traefik, the ingress class selects routes only; what routes refer to is read whatever its class.
        var ic = _options.IngressClass ?? "";
        string[] groups = _options.LegacyGroup ? [TraefikApi.Group, TraefikApi.LegacyGroup] : [TraefikApi.Group];
        foreach (var ns in namespaces)
        {
            foreach (var group in _options.TraefikCrds ? groups : [])
            {
                list.Add(Custom<IngressRoute>(group, "ingressroutes", TraefikApi.IngressRouteKind, ns, ic, changed));
                list.Add(Custom<Middleware>(group, "middlewares", TraefikApi.MiddlewareKind, ns, null, changed));
                list.Add(Custom<ServersTransport>(group, "serverstransports", TraefikApi.ServersTransportKind, ns, null, changed));
                list.Add(Custom<TlsOption>(group, "tlsoptions", TraefikApi.TlsOptionKind, ns, null, changed));
                list.Add(Custom<TlsStore>(group, "tlsstores", TraefikApi.TlsStoreKind, ns, null, changed));
                list.Add(Custom<TraefikService>(group, "traefikservices", TraefikApi.TraefikServiceKind, ns, null, changed));
                list.Add(Custom<IngressRouteTcp>(group, "ingressroutetcps", TraefikApi.IngressRouteTcpKind, ns, ic, changed));
                list.Add(Custom<IngressRouteUdp>(group, "ingressrouteudps", TraefikApi.IngressRouteUdpKind, ns, ic, changed));
                list.Add(Custom<MiddlewareTcp>(group, "middlewaretcps", TraefikApi.MiddlewareTcpKind, ns, null, changed));
                list.Add(Custom<ServersTransportTcp>(group, "serverstransporttcps", TraefikApi.ServersTransportTcpKind, ns, null, changed));
            }
        }

        foreach (var ns in coreNamespaces)
        {
            list.Add(new KindWatcher<V1Service>(KindApis.Services(_client, ns), ObjectConverters.Core, changed, _options, _logger));
            list.Add(new KindWatcher<V1EndpointSlice>(KindApis.EndpointSlices(_client, ns), ObjectConverters.Core, changed, _options, _logger));
            list.Add(new KindWatcher<V1Secret>(KindApis.Secrets(_client, ns), ObjectConverters.Core, changed, _options, _logger));
            list.Add(new KindWatcher<V1ConfigMap>(KindApis.ConfigMaps(_client, ns), ObjectConverters.Core, changed, _options, _logger));
        }

        if (_options.GatewayApi is { } gateway)
        {
            // Gateway API kinds: GatewayClasses are cluster-scoped; the others in the provider's own namespaces.
            var selector = gateway.LabelSelector;
            list.Add(Gateway<GatewayClass>("gatewayclasses", GatewayApiKinds.GatewayClass, null, selector, changed));
            foreach (var ns in gateway.Namespaces.Count == 0 ? [null] : gateway.Namespaces.Select(n => (string?)n).ToList())
            {
                list.Add(Gateway<Gateway>("gateways", GatewayApiKinds.Gateway, ns, selector, changed));
                list.Add(Gateway<HttpRoute>("httproutes", GatewayApiKinds.HttpRoute, ns, selector, changed));
                list.Add(Gateway<GrpcRoute>("grpcroutes", GatewayApiKinds.GrpcRoute, ns, selector, changed));
                list.Add(Gateway<ReferenceGrant>("referencegrants", GatewayApiKinds.ReferenceGrant, ns, selector, changed));
                list.Add(Gateway<BackendTlsPolicy>("backendtlspolicies", GatewayApiKinds.BackendTlsPolicy, ns, selector, changed));
                if (!_options.TraefikCrds)
                {
                    // ExtensionRef filters name Traefik Middlewares: read them even with the CRD provider off (optional:
                    // a cluster without the Traefik CRDs, or without the RBAC rule, reads none rather than stalling).
                    list.Add(new KindWatcher<System.Text.Json.JsonElement>(
                        KindApis.Custom(_client, TraefikApi.Group, TraefikApi.Version, "middlewares", TraefikApi.MiddlewareKind, ns, null, optional: true),
                        obj => ObjectConverters.Custom<Middleware>(obj, TraefikApi.MiddlewareKind, null), changed, _options, _logger));
                }
            }

            // Namespaces (cluster-scoped, as Traefik's gateway client watches them): allowedRoutes.namespaces.from Selector
            // admits routes by their namespace's labels, so a label change re-evaluates attachment.
            list.Add(new KindWatcher<V1Namespace>(KindApis.Namespaces(_client), ObjectConverters.Core, changed, _options, _logger));
        }

        // Cluster-scoped, read once whatever the namespaces: nodePortLB servers are the Nodes' InternalIPs.
        list.Add(new KindWatcher<V1Node>(KindApis.Nodes(_client), ObjectConverters.Core, changed, _options, _logger));
        if (_options.Ingress is { } ingress)
        {
            // The class decision needs IngressClasses and is the compiler's (IngressClassFilter), like the folder's.
            foreach (var ns in ingressNamespaces)
            {
                list.Add(new KindWatcher<V1Ingress>(KindApis.Ingresses(_client, ns, string.IsNullOrEmpty(ingress.LabelSelector) ? null : ingress.LabelSelector),
                    ObjectConverters.Core, changed, _options, _logger));
            }

            list.Add(new KindWatcher<V1IngressClass>(KindApis.IngressClasses(_client), ObjectConverters.Core, changed, _options, _logger));
        }

        return list;
    }

    private static List<string?> NamespaceList(IReadOnlyList<string> namespaces) =>
        namespaces.Count == 0 ? [null] : [.. namespaces.Select(n => (string?)n)];

    private IKindWatcher Custom<TModel>(string group, string plural, string kind, string? ns, string? ingressClass, Action changed)
        where TModel : class, ITraefikObject =>
        new KindWatcher<System.Text.Json.JsonElement>(
            KindApis.Custom(_client, group, TraefikApi.Version, plural, kind, ns, _options.LabelSelector),
            obj => ObjectConverters.Custom<TModel>(obj, kind, ingressClass),
            changed,
            _options,
            _logger);

    /// <summary>A Gateway API kind at its served version; optional, so a cluster without the CRDs still syncs.</summary>
    private IKindWatcher Gateway<TModel>(string plural, string kind, string? ns, string? labelSelector, Action changed)
        where TModel : class, ITraefikObject =>
        new KindWatcher<System.Text.Json.JsonElement>(
            KindApis.Custom(_client, GatewayApiKinds.Group, GatewayApiKinds.ServedVersion(kind), plural, kind, ns, labelSelector, optional: true),
            obj => ObjectConverters.Custom<TModel>(obj, kind, null),
            changed,
            _options,
            _logger);

    /// <summary>The cache as a snapshot, every collection sorted (namespace, name, apiVersion) for deterministic output.</summary>
    private static ClusterSnapshot Build(IReadOnlyList<IKindWatcher> watchers)
    {
        var entries = watchers.SelectMany(w => w.Entries).ToList();
        var values = entries.Where(e => e.Value is not null).Select(e => e.Value!).ToList();
        return new ClusterSnapshot
        {
            IngressRoutes = Traefik<IngressRoute>(values),
            Middlewares = Traefik<Middleware>(values),
            ServersTransports = Traefik<ServersTransport>(values),
            TlsOptions = Traefik<TlsOption>(values),
            TlsStores = Traefik<TlsStore>(values),
            TraefikServices = Traefik<TraefikService>(values),
            IngressRouteTcps = Traefik<IngressRouteTcp>(values),
            IngressRouteUdps = Traefik<IngressRouteUdp>(values),
            MiddlewareTcps = Traefik<MiddlewareTcp>(values),
            ServersTransportTcps = Traefik<ServersTransportTcp>(values),
            GatewayClasses = Traefik<GatewayClass>(values),
            Gateways = Traefik<Gateway>(values),
            HttpRoutes = Traefik<HttpRoute>(values),
            GrpcRoutes = Traefik<GrpcRoute>(values),
            ReferenceGrants = Traefik<ReferenceGrant>(values),
            BackendTlsPolicies = Traefik<BackendTlsPolicy>(values),
            Services = Core<V1Service>(values),
            EndpointSlices = Core<V1EndpointSlice>(values),
            Secrets = Core<V1Secret>(values),
            ConfigMaps = Core<V1ConfigMap>(values),
            Nodes = Core<V1Node>(values),
            Namespaces = Core<V1Namespace>(values),
            Ingresses = Core<V1Ingress>(values),
            IngressClasses = Core<V1IngressClass>(values),
            LoadDiagnostics = [.. entries.Where(e => e.Error is not null).Select(e => e.Error!)
                .OrderBy(d => d.Resource?.Namespace, StringComparer.Ordinal).ThenBy(d => d.Resource?.Name, StringComparer.Ordinal)],
        };
    }

    private static ImmutableArray<T> Traefik<T>(List<object> values) where T : ITraefikObject =>
        [.. values.OfType<T>()
            .OrderBy(o => o.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)
            .ThenBy(o => o.ApiVersion, StringComparer.Ordinal)];

    private static ImmutableArray<T> Core<T>(List<object> values) where T : IMetadata<V1ObjectMeta> =>
        [.. values.OfType<T>()
            .OrderBy(o => o.Metadata?.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata?.Name, StringComparer.Ordinal)];
}
