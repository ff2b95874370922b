using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Reads certificates out of Secrets and ConfigMaps and parses them once (<see cref="PemCertificate.Parse"/>; pure:
/// no store, no I/O): the table carries the parsed certificates, the data plane parses no PEM. What is read here
/// (validity, key match, DNS names) needs no X.509 object, so compiling a table does not load OpenSSL for the
/// common certificate forms.
/// Keys follow Traefik: tls.crt/tls.key for certificates, tls.ca then ca.crt for CA bundles.
/// </summary>
internal static class PemMaterial
{
    /// <summary>A serving or client certificate with its key (kubernetes.io/tls layout), plus its SAN DNS names.</summary>
    public static (TlsCertificate? Certificate, Problem? Problem) ReadKeyPair(V1Secret? secret, ObjectKey key, string notFoundCode, string invalidCode)
    {
        if (secret is null)
        {
            return (null, Problem.Error(notFoundCode, "SecretNotFound", $"Secret {key} not found"));
        }

        var cert = Value(secret, "tls.crt");
        var pkey = Value(secret, "tls.key");
        if (cert is null || pkey is null)
        {
            return (null, Problem.Error(invalidCode, "SecretInvalid", $"Secret {key} has no tls.crt and tls.key"));
        }

        try
        {
            var pem = PemCertificate.Parse($"Secret {key}", cert, pkey);
            // The summary's SAN DNS names (its CN when it has none): read without OpenSSL when the reader could.
            return (new TlsCertificate(pem.Summary.DnsNames, pem), null);
        }
        catch (CryptographicException ex)
        {
            return (null, Problem.Error(invalidCode, "SecretInvalid", $"Secret {key}: tls.crt/tls.key is not a valid certificate and matching key ({ex.Message.TrimEnd('.')})"));
        }
        catch (ArgumentException ex)
        {
            return (null, Problem.Error(invalidCode, "SecretInvalid", $"Secret {key}: tls.crt/tls.key is not valid PEM ({ex.Message.TrimEnd('.')})"));
        }
    }

    /// <summary>
    /// A CA bundle from a Secret (tls.ca or ca.crt). With <paramref name="singleKeyFallback"/> (Traefik's loadCASecret,
    /// used for ServersTransports, forwardAuth and redis TLS, not for TLSOption client auth), a Secret with neither
    /// key but exactly one data entry is read as the CA, for compatibility with Traefik v2.
    /// </summary>
    public static (PemCertificate? Ca, Problem? Problem) ReadCa(V1Secret? secret, ObjectKey key, string code, bool singleKeyFallback = false)
    {
        if (secret is null)
        {
            return (null, Problem.Error(code, "SecretNotFound", $"Secret {key} not found"));
        }

        var pem = Value(secret, "tls.ca") ?? Value(secret, "ca.crt");
        if (pem is null && singleKeyFallback && SingleEntry(secret) is { } only)
        {
            return CheckCa(Value(secret, only), $"Secret {key} (its only key '{only}')", code);
        }

        return CheckCa(pem, $"Secret {key}", code);
    }

    private static string? SingleEntry(V1Secret secret)
    {
        var names = (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 1 ? names[0] : null;
    }

    /// <summary>A CA bundle from a ConfigMap (tls.ca or ca.crt).</summary>
    public static (PemCertificate? Ca, Problem? Problem) ReadCa(V1ConfigMap? configMap, ObjectKey key, string code)
    {
        if (configMap is null)
        {
            return (null, Problem.Error(code, "ConfigMapNotFound", $"ConfigMap {key} not found"));
        }

        string? pem = null;
        foreach (var name in (string[])["tls.ca", "ca.crt"])
        {
            if (configMap.Data?.TryGetValue(name, out var text) == true)
            {
                pem = text;
                break;
            }

            if (configMap.BinaryData?.TryGetValue(name, out var bytes) == true)
            {
                pem = Encoding.UTF8.GetString(bytes);
                break;
            }
        }

        return CheckCa(pem, $"ConfigMap {key}", code);
    }

    private static (PemCertificate?, Problem?) CheckCa(string? pem, string source, string code)
    {
        if (pem is null)
        {
            return (null, Problem.Error(code, "CertificateNotFound", $"{source} has no tls.ca or ca.crt"));
        }

        try
        {
            return (PemCertificate.Parse(source, pem), null);
        }
        catch (CryptographicException ex) when (ex.Message == PemCertificate.NoCertificate)
        {
            return (null, Problem.Error(code, "CertificateInvalid", $"{source}: {PemCertificate.NoCertificate}"));
        }
        catch (CryptographicException ex)
        {
            return (null, Problem.Error(code, "CertificateInvalid", $"{source}: not a valid PEM certificate ({ex.Message.TrimEnd('.')})"));
        }
    }

    private static string? Value(V1Secret secret, string name)
    {
        if (secret.StringData?.TryGetValue(name, out var text) == true)
        {
            return text;
        }

        return secret.Data?.TryGetValue(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
    }
}
