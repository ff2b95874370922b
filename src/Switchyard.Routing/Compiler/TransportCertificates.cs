using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// The CAs and client certificates of a ServersTransport or ServersTransportTCP. Traefik (loadConfigurationFromCRD,
/// pkg/provider/kubernetes/crd/kubernetes.go) logs a CA or certificate it cannot load and builds the transport with
/// the others, and reads a CA Secret with neither tls.ca nor ca.crt but a single key as that key (loadCASecret); so
/// do we, reporting each skipped entry as a warning. Only a CA whose PEM does not parse breaks the transport.
/// </summary>
internal static class TransportCertificates
{
    /// <summary>One entry of rootCAs (secret or configMap) or rootCAsSecrets, with the field it is written at.</summary>
    public readonly record struct RootRef(string? Secret, string? ConfigMap, string Field);

    public static IEnumerable<RootRef> RootRefs(IEnumerable<(string? Secret, string? ConfigMap)>? rootCas, IEnumerable<string>? rootCaSecrets, string prefix) =>
        (rootCas ?? []).Select((r, i) => new RootRef(r.Secret, r.ConfigMap, $"{prefix}rootCAs[{i}]"))
            .Concat((rootCaSecrets ?? []).Select((s, i) => new RootRef(s, null, $"{prefix}rootCAsSecrets[{i}]")));

    public static ImmutableArray<PemCertificate> Roots(CompileContext context, ResourceRef owner, IEnumerable<RootRef> refs, ref bool ok)
    {
        var ns = owner.Namespace;
        var roots = ImmutableArray.CreateBuilder<PemCertificate>();
        foreach (var (secret, configMap, field) in refs)
        {
            (PemCertificate? ca, Problem? problem) = (secret, configMap) switch
            {
                ({ Length: > 0 } s, null or "") => PemMaterial.ReadCa(context.Secrets.GetValueOrDefault(new ObjectKey(ns, s)), new ObjectKey(ns, s),
                    DiagnosticCodes.ServersTransportCertificateNotFound, singleKeyFallback: true),
                (null or "", { Length: > 0 } c) => PemMaterial.ReadCa(context.ConfigMaps.GetValueOrDefault(new ObjectKey(ns, c)), new ObjectKey(ns, c),
                    DiagnosticCodes.ServersTransportCertificateNotFound),
                ({ Length: > 0 }, { Length: > 0 }) => (null, Problem.Warning(DiagnosticCodes.ServersTransportInvalid, "RootCABothSecretAndConfigMap",
                    "a rootCAs entry names both a Secret and a ConfigMap")),
                _ => (null, Problem.Warning(DiagnosticCodes.ServersTransportInvalid, "InvalidRootCA", "a rootCAs entry names neither a Secret nor a ConfigMap")),
            };
            if (ca is not null)
            {
                roots.Add(ca);
            }
            else if (problem!.Reason == "CertificateInvalid")
            {
                context.Error(problem.Code, problem.Reason, owner, field, problem.Message);
                ok = false;
            }
            else
            {
                context.Warning(problem.Code, problem.Reason, owner, field, problem.Message + "; this entry is skipped (Traefik's behaviour)");
            }
        }

        return roots.ToImmutable();
    }

    public static ImmutableArray<PemCertificate> ClientCertificates(CompileContext context, ResourceRef owner, IReadOnlyList<string>? secrets, string prefix)
    {
        var certificates = ImmutableArray.CreateBuilder<PemCertificate>();
        for (var i = 0; i < (secrets?.Count ?? 0); i++)
        {
            var key = new ObjectKey(owner.Namespace, secrets![i]);
            var (cert, problem) = PemMaterial.ReadKeyPair(context.Secrets.GetValueOrDefault(key), key,
                DiagnosticCodes.ServersTransportCertificateNotFound, DiagnosticCodes.ServersTransportCertificateNotFound);
            if (cert is not null)
            {
                certificates.Add(cert.Pem);
            }
            else
            {
                context.Warning(problem!.Code, problem.Reason, owner, $"{prefix}certificatesSecrets[{i}]",
                    problem.Message + "; this client certificate is skipped (Traefik's behaviour)");
            }
        }

        return certificates.ToImmutable();
    }
}
