namespace Switchyard.DataPlane.Acme;

/// <summary>
/// Static config <c>certificatesResolvers.&lt;name&gt;.acme</c> (Traefik's shape). Defaults: Let's Encrypt
/// production; certificate key EC256 (Traefik defaults to RSA4096: EC keys are smaller and faster to serve,
/// and every ACME CA accepts them); renewal 30 days before expiry.
/// </summary>
public sealed record AcmeResolverOptions
{
    public const string LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory";
    public const string LetsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory";

    public required string Name { get; init; }

    public string? Email { get; init; }

    public string CaServer { get; init; } = LetsEncryptProduction;

    /// <summary>Folder mode: a directory; cluster mode: the namespace whose Secrets hold certificates.</summary>
    public string Storage { get; init; } = "acme";

    /// <summary>Certificate key: EC256, EC384, RSA2048, RSA4096.</summary>
    public string KeyType { get; init; } = "EC256";

    /// <summary>Account key: EC256 (default) or RSA2048 / RSA4096.</summary>
    public string AccountKeyType { get; init; } = "EC256";

    /// <summary>httpChallenge.entryPoint: answer HTTP-01 on this entry point. Null ⇒ TLS-ALPN-01 (tlsChallenge).</summary>
    public string? HttpChallengeEntryPoint { get; init; }

    public bool TlsChallenge { get; init; }

    /// <summary>Renew when the certificate has less than this left (tests force renewal with a large value).</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often stored certificates are checked for renewal.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>PEM files of CAs to trust for the ACME server's own HTTPS (a private CA such as pebble's).</summary>
    public IReadOnlyList<string> CaCertificates { get; init; } = [];

    /// <summary>First wait after a failed order; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(24);

    public AcmeChallengeType ChallengeType =>
        HttpChallengeEntryPoint is not null && !TlsChallenge ? AcmeChallengeType.Http01 : AcmeChallengeType.TlsAlpn01;
}
