using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// Traefik's sticky cookie on a load balancer or a weighted service: the cookie names the chosen target by an
/// opaque stable hash (no pod IP or service name reaches the client). A valid cookie pointing at an
/// available target pins the call; otherwise the balancer picks and the cookie is (re)set.
/// </summary>
public sealed class StickySession
{
    private readonly StickyCookie _cookie;
    private readonly Dictionary<string, int> _indexByValue;
    private readonly string[] _values;
    private readonly CookieOptions _options;

    /// <param name="values">Cookie value per target index (e.g. the hash of the server URL or child id).</param>
    public StickySession(StickyCookie cookie, string[] values)
    {
        _cookie = cookie;
        _values = values;
        _indexByValue = new Dictionary<string, int>(values.Length, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            _indexByValue.TryAdd(values[i], i);
        }

        _options = new CookieOptions
        {
            Secure = cookie.Secure,
            HttpOnly = cookie.HttpOnly,
            SameSite = SameSite(cookie.SameSite),
            Path = string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path,
            Domain = string.IsNullOrEmpty(cookie.Domain) ? null : cookie.Domain,
            // Traefik: 0 ⇒ session cookie, negative ⇒ Max-Age=0 (expire now).
            MaxAge = cookie.MaxAge > 0 ? TimeSpan.FromSeconds(cookie.MaxAge) : cookie.MaxAge < 0 ? TimeSpan.Zero : null,
        };
    }

    public string CookieName => _cookie.Name;

    /// <summary>Target index named by the request's cookie, or -1 (no cookie, unknown value).</summary>
    public int Find(HttpRequest request)
    {
        if (!request.Headers.ContainsKey("Cookie"))
        {
            return -1; // skip parsing cookies for the common cookieless call (gRPC clients)
        }

        return request.Cookies.TryGetValue(_cookie.Name, out var value) && value is not null && _indexByValue.TryGetValue(value, out var index)
            ? index
            : -1;
    }

    /// <summary>Pins the client to <paramref name="index"/>.</summary>
    public void Set(HttpResponse response, int index)
    {
        if (!response.HasStarted)
        {
            response.Cookies.Append(_cookie.Name, _values[index], _options);
        }
    }

    private static SameSiteMode SameSite(string? value) => value?.ToLowerInvariant() switch
    {
        "none" => SameSiteMode.None,
        "lax" => SameSiteMode.Lax,
        "strict" => SameSiteMode.Strict,
        _ => SameSiteMode.Unspecified,
    };
}
