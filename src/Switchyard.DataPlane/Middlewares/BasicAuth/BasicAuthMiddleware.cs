using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.BasicAuth;

/// <summary>
/// Traefik's basicAuth. Missing or wrong credentials: gRPC callers get UNAUTHENTICATED, HTTP callers 401
/// with <c>WWW-Authenticate: Basic realm="…"</c> (default realm "traefik"). <c>headerField</c> passes the
/// user name to the backend; <c>removeHeader</c> drops Authorization before forwarding.
/// gRPC clients send credentials on every call, and bcrypt costs tens of milliseconds, so a successful check
/// is remembered per user as SHA-256 of the password (per table; a wrong password is never remembered).
/// </summary>
public sealed class BasicAuthMiddleware : IRouteMiddleware
{
    private readonly Dictionary<string, string> _users;
    private readonly string _challenge;
    private readonly bool _removeHeader;
    private readonly string? _headerField;
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);

    public BasicAuthMiddleware(Dictionary<string, string> users, string realm, bool removeHeader, string? headerField)
    {
        _users = users;
        _challenge = $"Basic realm=\"{realm.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        _removeHeader = removeHeader;
        _headerField = string.IsNullOrEmpty(headerField) ? null : headerField;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var user = Authenticate(context.Request.Headers.Authorization.ToString());
        if (user is null)
        {
            if (ProxyErrors.IsGrpc(context.Request))
            {
                return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unauthenticated, "unauthorized");
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = _challenge;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("401 Unauthorized\n");
        }

        if (_removeHeader)
        {
            context.Request.Headers.Remove("Authorization");
        }

        if (_headerField is not null)
        {
            context.Request.Headers[_headerField] = user;
        }

        AccessLog.AccessLogEntry.SetClientUsername(context, user);
        return next(context);
    }

    private string? Authenticate(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        if (!_users.TryGetValue(user, out var hash))
        {
            return null;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        if (_verified.TryGetValue(user, out var known) && CryptographicOperations.FixedTimeEquals(known, digest))
        {
            return user;
        }

        if (!HtpasswdVerifier.Verify(password, hash))
        {
            return null;
        }

        _verified[user] = digest;
        return user;
    }
}

public sealed class BasicAuthFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(BasicAuthConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (BasicAuthConfig)config;
        // Users were parsed and checked by the compiler (AuthUsers); nothing here reads htpasswd text.
        var users = (c.Users.IsDefault ? [] : c.Users).ToDictionary(u => u.Name, u => u.Hash.Reveal(), StringComparer.Ordinal);
        if (users.Count == 0)
        {
            throw new ArgumentException("basicAuth: no users");
        }

        return new BasicAuthMiddleware(users, string.IsNullOrEmpty(c.Realm) ? "traefik" : c.Realm, c.RemoveHeader, c.HeaderField);
    }
}
