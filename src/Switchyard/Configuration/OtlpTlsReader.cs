using System.Security.Cryptography;
using Switchyard.DataPlane.Tracing;
using Switchyard.Routing.Table;

namespace Switchyard.Configuration;

/// <summary>
/// Checks otlp.*.tls and loads its PEM once, so a bad CA or key pair is an error of the static config (validate
/// reports it) and not a failed export later. As Traefik's ClientTLS.CreateTLSConfig, each value is the PEM itself or
/// a file holding it (here: PEM text when it has a "-----BEGIN" line, a path otherwise, so a missing file is named in
/// the error instead of being parsed as PEM); cert and key must both be given or neither.
/// </summary>
internal static class OtlpTlsReader
{
    public static OtlpClientTls? Read(OtlpTlsConfig? config, string where, string baseDirectory)
    {
        if (config is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(config.Cert) != string.IsNullOrEmpty(config.Key))
        {
            throw new StaticConfigException($"{where}: cert and key go together (one is missing)");
        }

        var tls = new OtlpClientTls { InsecureSkipVerify = config.InsecureSkipVerify };
        if (!string.IsNullOrEmpty(config.Ca))
        {
            tls = tls with { RootCas = Parse(where + ".ca", Pem(config.Ca, baseDirectory, $"{where}.ca"), null).Certificates };
        }

        if (!string.IsNullOrEmpty(config.Cert))
        {
            var key = new SecretText(Pem(config.Key!, baseDirectory, $"{where}.key"));
            tls = tls with { ClientCertificate = Parse(where + ".cert", Pem(config.Cert, baseDirectory, $"{where}.cert"), key).Certificate };
        }

        return tls;
    }

    /// <summary>The PEM text: the file's content when the value names a file, else the value itself.</summary>
    private static string Pem(string value, string baseDirectory, string where)
    {
        if (value.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return value;
        }

        var path = Path.GetFullPath(Path.Combine(baseDirectory, value));
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StaticConfigException($"{where}: '{value}' is neither PEM text nor a readable file ({ex.Message})");
        }
    }

    private static PemCertificate Parse(string where, string pem, SecretText? key)
    {
        try
        {
            return PemCertificate.Parse(where, pem, key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new StaticConfigException($"{where}: {(key is null ? "not a PEM certificate" : "not a matching PEM certificate and key")} ({ex.Message})");
        }
    }
}
