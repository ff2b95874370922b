using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// What every processor of one compilation shares: the options, indexes of the snapshot by namespace/name
/// (built once, so 10 000 routes never scan lists), and the diagnostics collected so far. Not thread-safe;
/// one instance per <see cref="RoutingCompiler.Compile"/> call.
/// </summary>
internal sealed class CompileContext
{
    private readonly List<Diagnostic> _diagnostics = [];

    public CompileContext(ClusterSnapshot snapshot, ProviderOptions options)
    {
        Snapshot = snapshot;
        Options = options;
        Services = Index(snapshot.Services, s => s.Metadata);
        Secrets = Index(snapshot.Secrets, s => s.Metadata);
        ConfigMaps = Index(snapshot.ConfigMaps, c => c.Metadata);
        Nodes = [.. snapshot.Nodes.OrderBy(n => n.Metadata?.Name, StringComparer.Ordinal)];
        Middlewares = Index(snapshot.Middlewares, m => m.Metadata);
        TraefikServices = Index(snapshot.TraefikServices, t => t.Metadata);
        ServersTransports = Index(snapshot.ServersTransports, t => t.Metadata);
        TlsOptions = Index(snapshot.TlsOptions, t => t.Metadata);
        TlsStores = Index(snapshot.TlsStores, t => t.Metadata);
        MiddlewareTcps = Index(snapshot.MiddlewareTcps, m => m.Metadata);
        ServersTransportTcps = Index(snapshot.ServersTransportTcps, t => t.Metadata);

        // EndpointSlices belong to a Service through the kubernetes.io/service-name label.
        var slices = new Dictionary<ObjectKey, List<V1EndpointSlice>>();
        foreach (var slice in snapshot.EndpointSlices)
        {
            if (slice.Metadata?.Labels is { } labels && labels.TryGetValue("kubernetes.io/service-name", out var service))
            {
                var key = new ObjectKey(NamespaceOf(slice.Metadata), service);
                if (!slices.TryGetValue(key, out var list))
                {
                    slices[key] = list = [];
                }

                list.Add(slice);
            }
        }

        EndpointSlices = slices;
    }

    public ClusterSnapshot Snapshot { get; }

    public ProviderOptions Options { get; }

    public IReadOnlyDictionary<ObjectKey, V1Service> Services { get; }

    public IReadOnlyDictionary<ObjectKey, List<V1EndpointSlice>> EndpointSlices { get; }

    public IReadOnlyDictionary<ObjectKey, V1Secret> Secrets { get; }

    public IReadOnlyDictionary<ObjectKey, V1ConfigMap> ConfigMaps { get; }

    /// <summary>Nodes by name (cluster-scoped): nodePortLB balances over their InternalIP addresses.</summary>
    public IReadOnlyList<V1Node> Nodes { get; }

    public IReadOnlyDictionary<ObjectKey, Middleware> Middlewares { get; }

    public IReadOnlyDictionary<ObjectKey, TraefikService> TraefikServices { get; }

    public IReadOnlyDictionary<ObjectKey, ServersTransport> ServersTransports { get; }

    public IReadOnlyDictionary<ObjectKey, TlsOption> TlsOptions { get; }

    public IReadOnlyDictionary<ObjectKey, TlsStore> TlsStores { get; }

    public IReadOnlyDictionary<ObjectKey, MiddlewareTcp> MiddlewareTcps { get; }

    public IReadOnlyDictionary<ObjectKey, ServersTransportTcp> ServersTransportTcps { get; }

    public static string NamespaceOf(V1ObjectMeta? metadata) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? "default" : metadata.NamespaceProperty;

    public static ObjectKey KeyOf(V1ObjectMeta metadata) => new(NamespaceOf(metadata), metadata.Name ?? "");

    public static ResourceRef RefOf(ITraefikObject obj) => new(obj.Kind, NamespaceOf(obj.Metadata), obj.Metadata.Name ?? "");

    /// <summary>Objects of one kind in namespace/name order, so output never depends on input order.</summary>
    public static IEnumerable<T> Sorted<T>(IReadOnlyDictionary<ObjectKey, T> index) =>
        index.OrderBy(kv => kv.Key, Comparer<ObjectKey>.Create(ObjectKey.CompareOrdinal)).Select(kv => kv.Value);

    /// <summary>
    /// The entry points of a route object (IngressRoute, IngressRouteTCP, IngressRouteUDP): the written ones, or the
    /// default entry points when none are written; one not defined in the static config is a warning.
    /// </summary>
    public ImmutableArray<string> ResolveEntryPoints(IReadOnlyList<string>? written, ResourceRef owner)
    {
        if (written is not { Count: > 0 })
        {
            return Options.DefaultEntryPoints;
        }

        var known = Options.KnownEntryPoints;
        for (var i = 0; i < written.Count; i++)
        {
            if (!known.IsEmpty && !known.Contains(written[i]))
            {
                Warning(DiagnosticCodes.UnknownEntryPoint, "UnknownEntryPoint", owner, $"spec.entryPoints[{i}]",
                    $"entry point '{written[i]}' is not defined in the static configuration (defined: {string.Join(", ", known)}); these routes get no traffic on it");
            }
        }

        return [.. written.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The compiler's diagnostics so far, in report order (lets a step quote the error that refused an object).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public void Report(Severity severity, string code, string reason, ResourceRef? resource, string? field, string message)
    {
        SourceLocation? location = null;
        if (resource is not null && Snapshot.Origins.TryGetValue(resource, out var origin))
        {
            location = origin.Locate(field);
        }

        _diagnostics.Add(new Diagnostic(severity, code, reason, resource, field, message, location));
    }

    public void Error(string code, string reason, ResourceRef resource, string? field, string message) =>
        Report(Severity.Error, code, reason, resource, field, message);

    public void Warning(string code, string reason, ResourceRef resource, string? field, string message) =>
        Report(Severity.Warning, code, reason, resource, field, message);

    /// <summary>Reports problems of a shared result at the place that references it. True when none is an error.</summary>
    public bool ReportAll(IEnumerable<Problem> problems, ResourceRef resource, string field)
    {
        var ok = true;
        foreach (var p in problems)
        {
            Report(p.Severity, p.Code, p.Reason, resource, p.SubField is null ? field : field + p.SubField, p.Message);
            ok &= p.Severity != Severity.Error;
        }

        return ok;
    }

    /// <summary>Load diagnostics first, then the compiler's, each group in a stable order.</summary>
    public ImmutableArray<Diagnostic> TakeDiagnostics()
    {
        var all = new List<Diagnostic>(Snapshot.LoadDiagnostics.Length + _diagnostics.Count);
        all.AddRange(Snapshot.LoadDiagnostics);
        all.AddRange(_diagnostics);
        all.Sort(DiagnosticOrder.Compare);
        return [.. all];
    }

    private static Dictionary<ObjectKey, T> Index<T>(ImmutableArray<T> items, Func<T, V1ObjectMeta?> metadata)
    {
        var index = new Dictionary<ObjectKey, T>(items.Length);
        foreach (var item in items)
        {
            if (metadata(item) is { Name: not null } meta)
            {
                // Duplicates are reported by the loader; the first one read wins here.
                index.TryAdd(KeyOf(meta), item);
            }
        }

        return index;
    }
}
