using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The headers family: headers (custom, CORS, security), contentType, encodedCharacters, passTLSClientCert.</summary>
internal static class HeaderMappers
{
    public static HeadersConfig Headers(MiddlewareMapping m, Headers h)
    {
        foreach (var (field, set) in new[] { ("sslRedirect", h.SslRedirect is not null), ("sslTemporaryRedirect", h.SslTemporaryRedirect is not null),
                     ("sslHost", h.SslHost is not null), ("sslForceHost", h.SslForceHost is not null), ("featurePolicy", h.FeaturePolicy is not null) })
        {
            if (set)
            {
                m.Warning(DiagnosticCodes.MiddlewareDeprecated, "DeprecatedField", $"{m.Field}.{field}",
                    field == "featurePolicy" ? "featurePolicy is deprecated and ignored; use permissionsPolicy" : $"{field} is deprecated and ignored; use a redirectScheme middleware");
            }
        }

        return new HeadersConfig
        {
            CustomRequestHeaders = MiddlewareMapping.Sorted(h.CustomRequestHeaders),
            CustomResponseHeaders = MiddlewareMapping.Sorted(h.CustomResponseHeaders),
            AccessControlAllowCredentials = h.AccessControlAllowCredentials ?? false,
            AccessControlAllowHeaders = [.. h.AccessControlAllowHeaders ?? []],
            AccessControlAllowMethods = [.. h.AccessControlAllowMethods ?? []],
            AccessControlAllowOriginList = [.. h.AccessControlAllowOriginList ?? []],
            AccessControlAllowOriginListRegex = m.Regexes(h.AccessControlAllowOriginListRegex, m.Field + ".accessControlAllowOriginListRegex"),
            AccessControlExposeHeaders = [.. h.AccessControlExposeHeaders ?? []],
            AccessControlMaxAge = h.AccessControlMaxAge,
            AddVaryHeader = h.AddVaryHeader ?? false,
            AllowedHosts = [.. h.AllowedHosts ?? []],
            HostsProxyHeaders = [.. h.HostsProxyHeaders ?? []],
            SslProxyHeaders = MiddlewareMapping.Sorted(h.SslProxyHeaders),
            StsSeconds = h.StsSeconds ?? 0,
            StsIncludeSubdomains = h.StsIncludeSubdomains ?? false,
            StsPreload = h.StsPreload ?? false,
            ForceStsHeader = h.ForceSTSHeader ?? false,
            FrameDeny = h.FrameDeny ?? false,
            CustomFrameOptionsValue = MiddlewareMapping.NullIfEmpty(h.CustomFrameOptionsValue),
            ContentTypeNosniff = h.ContentTypeNosniff ?? false,
            BrowserXssFilter = h.BrowserXssFilter ?? false,
            CustomBrowserXssValue = MiddlewareMapping.NullIfEmpty(h.CustomBrowserXssValue),
            ContentSecurityPolicy = MiddlewareMapping.NullIfEmpty(h.ContentSecurityPolicy),
            ContentSecurityPolicyReportOnly = MiddlewareMapping.NullIfEmpty(h.ContentSecurityPolicyReportOnly),
            PublicKey = MiddlewareMapping.NullIfEmpty(h.PublicKey),
            ReferrerPolicy = MiddlewareMapping.NullIfEmpty(h.ReferrerPolicy),
            PermissionsPolicy = MiddlewareMapping.NullIfEmpty(h.PermissionsPolicy),
            IsDevelopment = h.IsDevelopment ?? false,
        };
    }

    public static ContentTypeConfig ContentType(MiddlewareMapping m, ContentType c) => new(c.AutoDetect ?? false);

    /// <summary>Only the flags that are set are carried: an unset one keeps Traefik's default for it.</summary>
    public static EncodedCharactersConfig EncodedCharacters(MiddlewareMapping m, EncodedCharacters e)
    {
        var allow = ImmutableSortedDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
        Set("allowEncodedSlash", e.AllowEncodedSlash);
        Set("allowEncodedBackSlash", e.AllowEncodedBackSlash);
        Set("allowEncodedNullCharacter", e.AllowEncodedNullCharacter);
        Set("allowEncodedSemicolon", e.AllowEncodedSemicolon);
        Set("allowEncodedPercent", e.AllowEncodedPercent);
        Set("allowEncodedQuestionMark", e.AllowEncodedQuestionMark);
        Set("allowEncodedHash", e.AllowEncodedHash);
        return new EncodedCharactersConfig(allow.ToImmutable());

        void Set(string name, bool? value)
        {
            if (value is { } v)
            {
                allow[name] = v;
            }
        }
    }

    /// <summary>The info fields asked for, as dotted names ("subject.commonName"), in Traefik's header order.</summary>
    public static PassTlsClientCertConfig PassTlsClientCert(MiddlewareMapping m, PassTLSClientCert p)
    {
        var fields = new List<string>();
        if (p.Info is { } info)
        {
            Add(info.NotAfter, "notAfter");
            Add(info.NotBefore, "notBefore");
            Add(info.Sans, "sans");
            Add(info.SerialNumber, "serialNumber");
            if (info.Subject is { } s)
            {
                Add(s.Country, "subject.country");
                Add(s.Province, "subject.province");
                Add(s.Locality, "subject.locality");
                Add(s.Organization, "subject.organization");
                Add(s.OrganizationalUnit, "subject.organizationalUnit");
                Add(s.CommonName, "subject.commonName");
                Add(s.SerialNumber, "subject.serialNumber");
                Add(s.DomainComponent, "subject.domainComponent");
            }

            if (info.Issuer is { } i)
            {
                Add(i.Country, "issuer.country");
                Add(i.Province, "issuer.province");
                Add(i.Locality, "issuer.locality");
                Add(i.Organization, "issuer.organization");
                Add(i.CommonName, "issuer.commonName");
                Add(i.SerialNumber, "issuer.serialNumber");
                Add(i.DomainComponent, "issuer.domainComponent");
            }
        }

        return new PassTlsClientCertConfig(p.Pem ?? false, [.. fields]);

        void Add(bool? flag, string name)
        {
            if (flag == true)
            {
                fields.Add(name);
            }
        }
    }
}
