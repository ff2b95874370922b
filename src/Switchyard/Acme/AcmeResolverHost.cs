using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Acme;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Acme;
using Switchyard.Routing.Table;

namespace Switchyard.Acme;

/// <summary>
/// Runs the certificate resolvers of the static configuration next to the data plane: one
/// <see cref="AcmeCertificateManager"/> per resolver, fed with the domain sets of every new table, its
/// failures turned into diagnostics (logged, and in cluster mode written to status and Events).
/// </summary>
public sealed class AcmeResolverHost : IAsyncDisposable
{
    private readonly ImmutableArray<AcmeCertificateManager> _managers;
    private readonly HashSet<string> _names;

    /// <param name="resolvers">certificatesResolvers from the static config.</param>
    /// <param name="certificates">The data plane's ACME view (registered in the data plane's services).</param>
    /// <param name="storage">Storage per resolver (directory in folder mode, Secrets in a cluster).</param>
    /// <param name="isLeader">In a cluster only the leader orders; every replica serves what storage holds.</param>
    public AcmeResolverHost(
        IReadOnlyList<AcmeResolverOptions> resolvers, AcmeCertificates certificates, Func<AcmeResolverOptions, IAcmeStorage> storage,
        ILoggerFactory loggerFactory, Func<bool>? isLeader = null)
    {
        _names = new HashSet<string>(resolvers.Select(r => r.Name), StringComparer.Ordinal);
        _managers = [.. resolvers.Select(r =>
        {
            var manager = new AcmeCertificateManager(r, storage(r), certificates.Challenges, AcmeCertificateManager.CreateHttpClient(r),
                loggerFactory.CreateLogger("Switchyard.Acme." + r.Name), isLeader: isLeader);
            manager.OrderFailed += d => OrderFailed?.Invoke(d);
            manager.CertificateChanged += _ => certificates.Prune();
            return manager;
        })];
        certificates.SetManagers(_managers);
    }

    /// <summary>An order failed (the previous or default certificate keeps serving).</summary>
    public event Action<Diagnostic>? OrderFailed;

    public IReadOnlyList<AcmeCertificateManager> Managers => _managers;

    public void Start()
    {
        foreach (var m in _managers)
        {
            m.Start();
        }
    }

    /// <summary>Hands each resolver the domain sets of a newly served table; returns the table's ACME diagnostics.</summary>
    public ImmutableArray<Diagnostic> OnTable(RoutingTable table)
    {
        var (sets, diagnostics) = AcmeDomains.FromTable(table, _names);
        foreach (var manager in _managers)
        {
            manager.SetDomainSets(sets.TryGetValue(manager.Name, out var s) ? s : ImmutableArray<ImmutableArray<string>>.Empty);
        }

        return diagnostics;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _managers)
        {
            await m.DisposeAsync();
        }
    }
}
