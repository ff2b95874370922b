using System.Collections.Concurrent;
using System.Net.Security;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// The data plane's view of every ACME resolver: the pending challenges it must answer and the certificates
/// the resolvers hold, looked up by SNI at handshake time — so a new or renewed certificate is served by the
/// next handshake, with no table swap, no restart, and no effect on open connections.
/// </summary>
public sealed class AcmeCertificates
{
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _contexts = new(StringComparer.Ordinal);
    private volatile AcmeCertificateManager[] _managers = [];

    public AcmeChallengeStore Challenges { get; } = new();

    public IReadOnlyList<AcmeCertificateManager> Managers => _managers;

    public void SetManagers(IEnumerable<AcmeCertificateManager> managers) => _managers = [.. managers];

    /// <summary>The certificate a resolver holds for this server name, ready for SslStream; null when none.</summary>
    public SslStreamCertificateContext? Find(string serverName)
    {
        foreach (var manager in _managers)
        {
            if (manager.TryGetCertificate(serverName, out var certificate))
            {
                // Keyed by the chain itself: a renewal yields a new context; the old one is dropped below.
                return _contexts.GetOrAdd(certificate.ChainPem, static (_, c) =>
                    SslStreamCertificateContext.Create(c.LoadLeaf(), c.LoadChain(), offline: true), certificate);
            }
        }

        return null;
    }

    /// <summary>Forget contexts of certificates no resolver holds any more (call after a renewal).</summary>
    public void Prune()
    {
        var live = new HashSet<string>(_managers.SelectMany(m => m.Certificates).Select(c => c.ChainPem), StringComparer.Ordinal);
        foreach (var key in _contexts.Keys)
        {
            if (!live.Contains(key))
            {
                _contexts.TryRemove(key, out _);
            }
        }
    }
}
