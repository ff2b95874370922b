using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.PassTlsClientCert;

/// <summary>
/// Traefik's passTLSClientCert: the client certificate of a mutual-TLS connection is passed to the backend —
/// <c>pem</c> as X-Forwarded-Tls-Client-Cert (PEM body without delimiters or line breaks), selected fields as
/// X-Forwarded-Tls-Client-Cert-Info (<c>Subject="…";Issuer="…";SerialNumber="…";NB="…";NA="…";SAN="…"</c>,
/// URL-query-escaped), in Traefik's format. Unlike Traefik, headers of these names sent by the client are
/// always removed first, so a caller cannot forge them. Kestrel exposes only the leaf certificate (not the
/// chain the client sent), and SANs list DNS names and IP addresses (not e-mail or URI names).
/// </summary>
public sealed class PassTlsClientCertMiddleware(bool pem, CertInfoFields? info) : IRouteMiddleware
{
    public const string CertHeader = "X-Forwarded-Tls-Client-Cert";
    public const string InfoHeader = "X-Forwarded-Tls-Client-Cert-Info";

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        headers.Remove(CertHeader);
        headers.Remove(InfoHeader);
        if (context.Connection.ClientCertificate is { } cert)
        {
            if (pem)
            {
                headers[CertHeader] = Convert.ToBase64String(cert.RawData);
            }

            if (info is not null)
            {
                headers[InfoHeader] = Uri.EscapeDataString(info.Describe(cert)).Replace("%20", "+", StringComparison.Ordinal);
            }
        }

        return next(context);
    }
}

/// <summary>The info fields selected in the config, and Traefik's rendering of them.</summary>
public sealed class CertInfoFields
{
    // Traefik's order inside a distinguished name: DC, C, ST, L, O, OU, SN, CN.
    private static readonly (string Field, string Oid, string Label)[] NameParts =
    [
        ("domainComponent", "0.9.2342.19200300.100.1.25", "DC"),
        ("country", "2.5.4.6", "C"),
        ("province", "2.5.4.8", "ST"),
        ("locality", "2.5.4.7", "L"),
        ("organization", "2.5.4.10", "O"),
        ("organizationalUnit", "2.5.4.11", "OU"),
        ("serialNumber", "2.5.4.5", "SN"),
        ("commonName", "2.5.4.3", "CN"),
    ];

    private readonly HashSet<string> _fields;

    public CertInfoFields(IEnumerable<string> fields) => _fields = new HashSet<string>(fields, StringComparer.Ordinal);

    public string Describe(X509Certificate2 cert)
    {
        var values = new List<string>();
        AddName(values, "Subject", "subject.", cert.SubjectName);
        AddName(values, "Issuer", "issuer.", cert.IssuerName);
        if (_fields.Contains("serialNumber"))
        {
            var serial = new BigInteger(cert.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
            values.Add($"SerialNumber=\"{serial}\"");
        }

        if (_fields.Contains("notBefore"))
        {
            values.Add($"NB=\"{new DateTimeOffset(cert.NotBefore.ToUniversalTime()).ToUnixTimeSeconds()}\"");
        }

        if (_fields.Contains("notAfter"))
        {
            values.Add($"NA=\"{new DateTimeOffset(cert.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()}\"");
        }

        if (_fields.Contains("sans") && cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san)
        {
            var names = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())).ToList();
            if (names.Count > 0)
            {
                values.Add($"SAN=\"{string.Join(',', names)}\"");
            }
        }

        return string.Join(';', values);
    }

    private void AddName(List<string> values, string label, string prefix, X500DistinguishedName name)
    {
        var parts = new StringBuilder();
        var rdns = name.EnumerateRelativeDistinguishedNames().Where(r => !r.HasMultipleElements).ToList();
        foreach (var (field, oid, short_) in NameParts)
        {
            if (!_fields.Contains(prefix + field))
            {
                continue;
            }

            var matches = rdns.Where(r => r.GetSingleElementType().Value == oid).Select(r => r.GetSingleElementValue()).Where(v => !string.IsNullOrEmpty(v)).ToList();
            if (field is "commonName" or "serialNumber" && matches.Count > 1)
            {
                matches = [matches[^1]]; // Go's pkix.Name keeps one CommonName / SerialNumber: the last
            }

            foreach (var value in matches)
            {
                parts.Append(short_).Append('=').Append(value).Append(',');
            }
        }

        if (parts.Length > 0)
        {
            values.Add($"{label}=\"{parts.ToString().TrimEnd(',')}\"");
        }
    }
}

public sealed class PassTlsClientCertFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(PassTlsClientCertConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (PassTlsClientCertConfig)config;
        var info = c.InfoFields.IsDefaultOrEmpty ? null : new CertInfoFields(c.InfoFields);
        return new PassTlsClientCertMiddleware(c.Pem, info);
    }
}
