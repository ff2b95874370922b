using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Headers;

/// <summary>
/// The CORS part of Traefik's headers middleware. A preflight (OPTIONS with Origin and
/// Access-Control-Request-Method) is answered by the gateway; other responses get Allow-Origin (when the
/// origin is allowed), Allow-Credentials, Expose-Headers and Vary. Origin regexes are unanchored, as Go's
/// MatchString is.
/// </summary>
public sealed class CorsPolicy
{
    private readonly string[] _origins;
    private readonly Regex[] _originRegexes;
    private readonly bool _credentials;
    private readonly string? _allowHeaders;
    private readonly string? _allowMethods;
    private readonly string? _exposeHeaders;
    private readonly string _maxAge;
    private readonly bool _addVary;

    private CorsPolicy(HeadersConfig c)
    {
        _origins = [.. c.AccessControlAllowOriginList];
        _originRegexes = c.AccessControlAllowOriginListRegex.Select(r => r.Regex).ToArray();
        _credentials = c.AccessControlAllowCredentials;
        _allowHeaders = c.AccessControlAllowHeaders.IsDefaultOrEmpty ? null : string.Join(',', c.AccessControlAllowHeaders);
        _allowMethods = c.AccessControlAllowMethods.IsDefaultOrEmpty ? null : string.Join(',', c.AccessControlAllowMethods);
        _exposeHeaders = c.AccessControlExposeHeaders.IsDefaultOrEmpty ? null : string.Join(',', c.AccessControlExposeHeaders);
        _maxAge = (c.AccessControlMaxAge ?? 0).ToString(CultureInfo.InvariantCulture);
        _addVary = c.AddVaryHeader;
    }

    /// <summary>Null when the config has no CORS field (Traefik's HasCorsHeadersDefined).</summary>
    public static CorsPolicy? Create(HeadersConfig c)
    {
        var defined = c.AccessControlAllowCredentials
            || !c.AccessControlAllowHeaders.IsDefaultOrEmpty
            || !c.AccessControlAllowMethods.IsDefaultOrEmpty
            || !c.AccessControlAllowOriginList.IsDefaultOrEmpty
            || !c.AccessControlAllowOriginListRegex.IsDefaultOrEmpty
            || !c.AccessControlExposeHeaders.IsDefaultOrEmpty
            || (c.AccessControlMaxAge ?? 0) != 0
            || c.AddVaryHeader;
        return defined ? new CorsPolicy(c) : null;
    }

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && !string.IsNullOrEmpty(request.Headers.AccessControlRequestMethod)
        && !string.IsNullOrEmpty(request.Headers.Origin);

    /// <summary>Write the preflight answer headers (status 200, empty body, as Traefik).</summary>
    public void ApplyPreflight(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (_credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (_allowHeaders is not null)
        {
            headers.AccessControlAllowHeaders = _allowHeaders;
        }

        if (_allowMethods is not null)
        {
            headers.AccessControlAllowMethods = _allowMethods;
        }

        if (AllowedOrigin(context.Request.Headers.Origin.ToString()) is { } origin)
        {
            headers.AccessControlAllowOrigin = origin;
        }

        headers.AccessControlMaxAge = _maxAge;
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Headers added to an ordinary (non-preflight) response.</summary>
    public void ApplyResponse(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (AllowedOrigin(context.Request.Headers.Origin.ToString()) is { } origin)
        {
            headers.AccessControlAllowOrigin = origin;
        }

        if (_credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (_exposeHeaders is not null)
        {
            // Added to what is there (grpcWeb's status headers), not in its place.
            var exposed = headers.AccessControlExposeHeaders.ToString();
            headers.AccessControlExposeHeaders = exposed.Length == 0 ? _exposeHeaders : exposed + "," + _exposeHeaders;
        }

        if (_addVary)
        {
            var vary = headers.Vary.ToString();
            if (vary != "Origin")
            {
                headers.Vary = vary.Length == 0 ? "Origin" : vary + ",Origin";
            }
        }
    }

    /// <summary>Traefik's isOriginAllowed: a list entry "*" or equal to the origin yields that entry; a regex match yields the origin.</summary>
    public string? AllowedOrigin(string origin)
    {
        foreach (var item in _origins)
        {
            if (item == "*" || item == origin)
            {
                return item;
            }
        }

        foreach (var regex in _originRegexes)
        {
            if (regex.IsMatch(origin))
            {
                return origin;
            }
        }

        return null;
    }
}
