using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Headers;

/// <summary>
/// The security part of Traefik's headers middleware (Traefik delegates to unrolled/secure; these are its
/// semantics): allowedHosts (checked against the first non-empty hostsProxyHeaders value, else Host; a
/// mismatch is 400 "Bad Host"), STS only on secure requests (TLS, or an sslProxyHeaders match) unless
/// forceSTSHeader, frame options, nosniff, XSS filter, CSP (+report-only), Public-Key-Pins, referrer and
/// permissions policy. isDevelopment skips the allowedHosts, STS and HPKP parts, as unrolled/secure does.
/// </summary>
public sealed class SecurityHeaders
{
    private readonly HashSet<string>? _allowedHosts;
    private readonly string[] _hostsProxyHeaders;
    private readonly KeyValuePair<string, string>[] _sslProxyHeaders;
    private readonly string? _sts;
    private readonly bool _forceSts;
    private readonly string? _publicKey;
    private readonly KeyValuePair<string, string>[] _always;

    private SecurityHeaders(HeadersConfig c)
    {
        _allowedHosts = c.AllowedHosts.IsDefaultOrEmpty || c.IsDevelopment ? null : new HashSet<string>(c.AllowedHosts, StringComparer.Ordinal);
        _hostsProxyHeaders = [.. c.HostsProxyHeaders];
        _sslProxyHeaders = [.. c.SslProxyHeaders];
        if (c.StsSeconds != 0 && !c.IsDevelopment)
        {
            var sts = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"max-age={c.StsSeconds}"));
            if (c.StsIncludeSubdomains)
            {
                sts.Append("; includeSubDomains");
            }

            if (c.StsPreload)
            {
                sts.Append("; preload");
            }

            _sts = sts.ToString();
        }

        _forceSts = c.ForceStsHeader;
        _publicKey = string.IsNullOrEmpty(c.PublicKey) || c.IsDevelopment ? null : c.PublicKey;

        var always = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(c.CustomFrameOptionsValue))
        {
            always.Add(new("X-Frame-Options", c.CustomFrameOptionsValue));
        }
        else if (c.FrameDeny)
        {
            always.Add(new("X-Frame-Options", "DENY"));
        }

        if (c.ContentTypeNosniff)
        {
            always.Add(new("X-Content-Type-Options", "nosniff"));
        }

        if (!string.IsNullOrEmpty(c.CustomBrowserXssValue))
        {
            always.Add(new("X-XSS-Protection", c.CustomBrowserXssValue));
        }
        else if (c.BrowserXssFilter)
        {
            always.Add(new("X-XSS-Protection", "1; mode=block"));
        }

        AddIfSet(always, "Content-Security-Policy", c.ContentSecurityPolicy);
        AddIfSet(always, "Content-Security-Policy-Report-Only", c.ContentSecurityPolicyReportOnly);
        AddIfSet(always, "Referrer-Policy", c.ReferrerPolicy);
        AddIfSet(always, "Permissions-Policy", c.PermissionsPolicy);
        _always = [.. always];
    }

    /// <summary>Null when no security field is set (Traefik's HasSecureHeadersDefined).</summary>
    public static SecurityHeaders? Create(HeadersConfig c)
    {
        var defined = !c.AllowedHosts.IsDefaultOrEmpty || !c.HostsProxyHeaders.IsDefaultOrEmpty || !c.SslProxyHeaders.IsEmpty
            || c.StsSeconds != 0 || c.StsIncludeSubdomains || c.StsPreload || c.ForceStsHeader || c.FrameDeny
            || !string.IsNullOrEmpty(c.CustomFrameOptionsValue) || c.ContentTypeNosniff || c.BrowserXssFilter
            || !string.IsNullOrEmpty(c.CustomBrowserXssValue) || !string.IsNullOrEmpty(c.ContentSecurityPolicy)
            || !string.IsNullOrEmpty(c.ContentSecurityPolicyReportOnly) || !string.IsNullOrEmpty(c.PublicKey)
            || !string.IsNullOrEmpty(c.ReferrerPolicy) || !string.IsNullOrEmpty(c.PermissionsPolicy) || c.IsDevelopment;
        return defined ? new SecurityHeaders(c) : null;
    }

    /// <summary>The allowedHosts check; false ⇒ answer 400 "Bad Host".</summary>
    public bool IsHostAllowed(HttpRequest request)
    {
        if (_allowedHosts is null)
        {
            return true;
        }

        string host = request.Host.Value ?? string.Empty;
        foreach (var name in _hostsProxyHeaders)
        {
            var value = request.Headers[name].ToString();
            if (value.Length > 0)
            {
                host = value;
                break;
            }
        }

        return _allowedHosts.Contains(host);
    }

    public void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        foreach (var (name, value) in _always)
        {
            headers[name] = value;
        }

        if (_sts is null && _publicKey is null)
        {
            return;
        }

        var secure = IsSecure(context.Request);
        if (_sts is not null && (secure || _forceSts))
        {
            headers.StrictTransportSecurity = _sts;
        }

        if (_publicKey is not null && secure)
        {
            headers["Public-Key-Pins"] = _publicKey;
        }
    }

    private bool IsSecure(HttpRequest request)
    {
        if (request.IsHttps)
        {
            return true;
        }

        foreach (var (name, value) in _sslProxyHeaders)
        {
            if (request.Headers[name].ToString() == value)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddIfSet(List<KeyValuePair<string, string>> list, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            list.Add(new(name, value));
        }
    }
}
