using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchyard.DataPlane.Acme;

/// <summary>Which challenge the resolver answers (Traefik's httpChallenge / tlsChallenge).</summary>
public enum AcmeChallengeType
{
    Http01,
    TlsAlpn01,
}

/// <summary>
/// One certificate order end to end: account, order, one challenge per authorization (published in the
/// <see cref="AcmeChallengeStore"/> while the CA validates it), CSR, finalize, download.
/// </summary>
public sealed class AcmeIssuer(AcmeClient client, AcmeChallengeStore challenges)
{
    public async Task<AcmeCertificate> IssueAsync(
        IReadOnlyList<string> domains, AcmeChallengeType challengeType, string certificateKeyType, string? email, CancellationToken ct)
    {
        if (client.AccountUrl is null)
        {
            await client.RegisterAccountAsync(email, termsOfServiceAgreed: true, ct);
        }

        var order = await client.NewOrderAsync(domains, ct);
        foreach (var authzUrl in order.Authorizations)
        {
            var authz = await client.GetAuthorizationAsync(authzUrl, ct);
            if (authz.Status == "valid")
            {
                continue;
            }

            await AuthorizeAsync(authzUrl, authz, challengeType, ct);
        }

        using var key = CreateKey(certificateKeyType);
        var csr = CreateCsr(domains, key);
        order = await client.FinalizeAsync(order, csr, ct);
        order = await client.WaitForOrderAsync(order.Url ?? throw new InvalidOperationException("order has no URL"), ct);
        var chain = await client.DownloadCertificateAsync(order.Certificate!, ct);
        return new AcmeCertificate(domains, chain, key.ExportPkcs8PrivateKeyPem());
    }

    private async Task AuthorizeAsync(Uri authzUrl, AcmeAuthorization authz, AcmeChallengeType type, CancellationToken ct)
    {
        var wanted = type == AcmeChallengeType.Http01 ? "http-01" : "tls-alpn-01";
        var challenge = authz.Challenges.FirstOrDefault(c => c.Type == wanted)
            ?? throw new AcmeException(new AcmeProblem(null, $"the CA offers no {wanted} challenge for {authz.Identifier.Value}", null, null));
        var keyAuthorization = client.Key.KeyAuthorization(challenge.Token);
        var domain = authz.Identifier.Value;
        if (type == AcmeChallengeType.Http01)
        {
            challenges.AddHttp01(challenge.Token, keyAuthorization);
        }
        else
        {
            challenges.AddTlsAlpn01(domain, TlsAlpnChallengeCertificate.Create(domain, keyAuthorization));
        }

        try
        {
            await client.AnswerChallengeAsync(challenge, ct);
            await client.WaitForAuthorizationAsync(authzUrl, ct);
        }
        finally
        {
            if (type == AcmeChallengeType.Http01)
            {
                challenges.RemoveHttp01(challenge.Token);
            }
            else
            {
                challenges.RemoveTlsAlpn01(domain);
            }
        }
    }

    private static AsymmetricAlgorithm CreateKey(string keyType) => keyType switch
    {
        "RSA2048" => RSA.Create(2048),
        "RSA4096" => RSA.Create(4096),
        "EC384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
    };

    private static byte[] CreateCsr(IReadOnlyList<string> domains, AsymmetricAlgorithm key)
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest($"CN={domains[0]}", ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest($"CN={domains[0]}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported key"),
        };
        var san = new SubjectAlternativeNameBuilder();
        foreach (var d in domains)
        {
            san.AddDnsName(d);
        }

        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }
}
