using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Switchyard.DataPlane.Acme;

namespace Switchyard.Acme;

/// <summary>
/// Cluster-mode ACME storage: one <c>kubernetes.io/tls</c> Secret per domain set and one Secret for the account
/// key, in the operator's namespace, labelled so an operator can find (and delete) them:
/// <c>app.kubernetes.io/managed-by=switchyard</c>, <c>switchyard.io/acme-resolver=&lt;name&gt;</c>.
/// Every replica reads them (a restarted or new replica serves without ordering); only the leader writes.
/// </summary>
public sealed class KubernetesSecretAcmeStorage(IKubernetes client, string @namespace, string resolver) : IAcmeStorage
{
    public const string DomainsAnnotation = "switchyard.io/acme-domains";
    public const string ResolverLabel = "switchyard.io/acme-resolver";

    public async Task<string?> LoadAccountKeyAsync(CancellationToken ct)
    {
        var secret = await GetAsync(AccountSecretName, ct);
        return secret?.Data is { } data && data.TryGetValue("account.key.pem", out var pem) ? Encoding.UTF8.GetString(pem) : null;
    }

    public Task SaveAccountKeyAsync(string pem, CancellationToken ct) =>
        UpsertAsync(new V1Secret
        {
            Metadata = Meta(AccountSecretName, null),
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["account.key.pem"] = Encoding.UTF8.GetBytes(pem) },
        }, ct);

    public async Task<AcmeCertificate?> LoadCertificateAsync(IReadOnlyList<string> domains, CancellationToken ct)
    {
        var secret = await GetAsync(CertificateSecretName(domains), ct);
        if (secret?.Data is not { } data || !data.TryGetValue("tls.crt", out var crt) || !data.TryGetValue("tls.key", out var key) ||
            secret.Metadata.Annotations?.TryGetValue(DomainsAnnotation, out var stored) != true || stored != string.Join(",", domains))
        {
            return null;
        }

        return new AcmeCertificate(domains, Encoding.UTF8.GetString(crt), Encoding.UTF8.GetString(key));
    }

    public Task SaveCertificateAsync(AcmeCertificate certificate, CancellationToken ct) =>
        UpsertAsync(new V1Secret
        {
            Metadata = Meta(CertificateSecretName(certificate.Domains), string.Join(",", certificate.Domains)),
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(certificate.ChainPem),
                ["tls.key"] = Encoding.UTF8.GetBytes(certificate.KeyPem),
            },
        }, ct);

    private string AccountSecretName => $"acme-{Sanitize(resolver)}-account";

    /// <summary>Secret names must be DNS labels: the resolver, the main domain, and a hash of the whole set.</summary>
    public string CertificateSecretName(IReadOnlyList<string> domains)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", domains))))[..10];
        var main = Sanitize(domains[0]);
        var name = $"acme-{Sanitize(resolver)}-{main}";
        return (name.Length > 240 ? name[..240] : name) + "-" + hash;
    }

    private V1ObjectMeta Meta(string name, string? domains) => new()
    {
        Name = name,
        NamespaceProperty = @namespace,
        Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "switchyard", [ResolverLabel] = Sanitize(resolver) },
        Annotations = domains is null ? null : new Dictionary<string, string> { [DomainsAnnotation] = domains },
    };

    private async Task<V1Secret?> GetAsync(string name, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task UpsertAsync(V1Secret secret, CancellationToken ct)
    {
        var existing = await GetAsync(secret.Metadata.Name, ct);
        if (existing is null)
        {
            await client.CoreV1.CreateNamespacedSecretAsync(secret, @namespace, cancellationToken: ct);
            return;
        }

        secret.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
        await client.CoreV1.ReplaceNamespacedSecretAsync(secret, secret.Metadata.Name, @namespace, cancellationToken: ct);
    }

    private static string Sanitize(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        }

        return sb.ToString().Trim('-');
    }
}
