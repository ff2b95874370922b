using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>One TLSOption → its table entry (Traefik's buildTLSOptions and pkg/tls buildTLSConfig checks), or null after reporting.</summary>
internal sealed class TlsOptionBuilder(CompileContext context)
{
    private readonly CompileContext _context = context;

    private static readonly string[] CurveNames =
    [
        "secp256r1", "CurveP256", "secp384r1", "CurveP384", "secp521r1", "CurveP521", "x25519", "X25519",
        "x25519mlkem768", "X25519MLKEM768", "secp256r1mlkem768", "SecP256r1MLKEM768", "secp384r1mlkem1024", "SecP384r1MLKEM1024",
    ];

    private static readonly HashSet<string> ClientAuthTypes =
        ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"];

    public TlsOptionsConfig? Build(TlsOption option, ResourceRef owner)
    {
        var spec = option.Spec;
        var ok = true;
        foreach (var (value, field) in new[] { (spec.MinVersion, "spec.minVersion"), (spec.MaxVersion, "spec.maxVersion") })
        {
            if (!string.IsNullOrEmpty(value) && !TlsNames.IsVersion(value))
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "InvalidTLSVersion", owner, field,
                    $"'{value}' is not a TLS version (VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13)");
                ok = false;
            }
        }

        ClientAuthConfig? clientAuth = null;
        if (spec.ClientAuth is { } auth)
        {
            clientAuth = ClientAuth(auth, owner, ref ok);
        }

        if (spec.PreferServerCipherSuites is not null)
        {
            ModelFieldUse.Warn(_context, "TlsOptionSpec.preferServerCipherSuites", owner, "spec.preferServerCipherSuites");
        }

        // The data plane takes these names as they are: an unknown one is refused here, never skipped there.
        var suites = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < (spec.CipherSuites?.Count ?? 0); i++)
        {
            var name = spec.CipherSuites![i] ?? "";
            if (TlsNames.CipherSuite(name) is not { } canonical)
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "UnknownCipherSuite", owner, $"spec.cipherSuites[{i}]",
                    $"'{name}' is not a cipher suite name (Go's names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                ok = false;
            }
            else
            {
                suites.Add(canonical);
            }
        }

        // Traefik refuses an unknown curve name (pkg/tls/tlsmanager.go buildTLSConfig, CurveIDs in pkg/tls/certificate.go);
        // known ones cannot be applied on .NET, which is said once.
        for (var i = 0; i < (spec.CurvePreferences?.Count ?? 0); i++)
        {
            if (!CurveNames.Contains(spec.CurvePreferences![i] ?? ""))
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "InvalidCurve", owner, $"spec.curvePreferences[{i}]",
                    $"'{spec.CurvePreferences[i]}' is not a curve ({string.Join(", ", CurveNames)})");
                ok = false;
            }
        }

        if (spec.CurvePreferences is { Count: > 0 })
        {
            ModelFieldUse.Warn(_context, "TlsOptionSpec.curvePreferences", owner, "spec.curvePreferences");
        }

        return ok
            ? new TlsOptionsConfig(
                NullIfEmpty(spec.MinVersion),
                NullIfEmpty(spec.MaxVersion),
                suites.ToImmutable(),
                [.. spec.CurvePreferences ?? []],
                clientAuth,
                spec.SniStrict ?? false,
                spec.AlpnProtocols is { Count: > 0 } alpn ? [.. alpn] : TlsProcessor.DefaultAlpn)
            {
                DisableSessionTickets = spec.DisableSessionTickets ?? false,
            }
            : null;
    }

    /// <summary>
    /// Traefik's buildTLSOptions: a CA Secret that is missing or holds neither tls.ca nor ca.crt is skipped with a
    /// warning and the option keeps the CAs it could read; CA files without a type mean RequireAndVerifyClientCert,
    /// no CA and no type mean NoClientCert; a verifying type without any CA breaks the option (pkg/tls buildTLSConfig).
    /// </summary>
    private ClientAuthConfig ClientAuth(ClientAuth auth, ResourceRef owner, ref bool ok)
    {
        var cas = ImmutableArray.CreateBuilder<PemCertificate>();
        var skipped = 0;
        for (var i = 0; i < (auth.SecretNames?.Count ?? 0); i++)
        {
            var key = new ObjectKey(owner.Namespace, auth.SecretNames![i]);
            var (ca, problem) = PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.TlsSecretNotFound);
            if (ca is not null)
            {
                cas.Add(ca);
            }
            else if (problem!.Reason is "SecretNotFound" or "CertificateNotFound")
            {
                skipped++;
                _context.Warning(problem.Code, problem.Reason, owner, $"spec.clientAuth.secretNames[{i}]",
                    problem.Message + "; skipped, the other CAs are kept (Traefik's behaviour)");
            }
            else
            {
                _context.Error(problem.Code, problem.Reason, owner, $"spec.clientAuth.secretNames[{i}]", problem.Message);
                ok = false;
            }
        }

        var type = string.IsNullOrEmpty(auth.ClientAuthType)
            ? (cas.Count > 0 ? "RequireAndVerifyClientCert" : "NoClientCert")
            : auth.ClientAuthType;
        if (!ClientAuthTypes.Contains(type))
        {
            _context.Error(DiagnosticCodes.TlsOptionInvalid, "InvalidClientAuthType", owner, "spec.clientAuth.clientAuthType",
                $"'{type}' is not a client auth type ({string.Join(", ", ClientAuthTypes)})");
            ok = false;
        }
        else if (type is "VerifyClientCertIfGiven" or "RequireAndVerifyClientCert" && cas.Count == 0)
        {
            _context.Error(DiagnosticCodes.TlsOptionInvalid, "ClientAuthWithoutCA", owner, "spec.clientAuth.secretNames",
                skipped > 0
                    ? $"clientAuthType {type} needs at least one CA, and none of secretNames could be read"
                    : $"clientAuthType {type} needs at least one CA in secretNames");
            ok = false;
        }
        else if (skipped > 0 && cas.Count == 0)
        {
            _context.Warning(DiagnosticCodes.TlsOptionInvalid, "ClientAuthDisabled", owner, "spec.clientAuth",
                "no CA of secretNames could be read and no clientAuthType is set: client certificates are not requested (Traefik's behaviour)");
        }

        return new ClientAuthConfig(type, cas.ToImmutable());
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
