namespace Switchyard.DataPlane.Acme;

/// <summary>Where a resolver keeps its account key and certificates (a directory in folder mode, Secrets in a cluster).</summary>
public interface IAcmeStorage
{
    Task<string?> LoadAccountKeyAsync(CancellationToken ct);

    Task SaveAccountKeyAsync(string pem, CancellationToken ct);

    /// <summary>The stored certificate for exactly this domain set (first domain is the main one), or null.</summary>
    Task<AcmeCertificate?> LoadCertificateAsync(IReadOnlyList<string> domains, CancellationToken ct);

    Task SaveCertificateAsync(AcmeCertificate certificate, CancellationToken ct);
}
